/** One entry of the error catalogue: a stable code, its HTTP status and a default message. */
export interface ErrorDefinition {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

export interface ErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

const catalogue = new Map<string, ErrorDefinition>();

/** Adds a code to the catalogue; codes are SCREAMING_SNAKE and start with their domain. */
export function defineError(code: string, status: number, message: string): ErrorDefinition {
  if (!/^[A-Z][A-Z0-9_]+$/.test(code)) throw new Error(`bad error code ${code}`);
  if (catalogue.has(code)) throw new Error(`error code ${code} defined twice`);
  const definition = Object.freeze({ code, status, message });
  catalogue.set(code, definition);
  return definition;
}

/** Every defined error, for docs/errors.md and its test. */
export function errorCatalogue(): readonly ErrorDefinition[] {
  return [...catalogue.values()];
}

/** An error a caller is meant to see: it becomes `{ error: { code, message, details } }`. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;

  constructor(definition: ErrorDefinition, message?: string, details?: ErrorDetail[]) {
    super(message ?? definition.message);
    this.name = 'AppError';
    this.code = definition.code;
    this.status = definition.status;
    this.details = details;
  }
}

/** Throws `definition` as an AppError; reads well at call sites: `throw appError(MEMBER_NOT_FOUND)`. */
export function appError(definition: ErrorDefinition, message?: string, details?: ErrorDetail[]): AppError {
  return new AppError(definition, message, details);
}

export const Errors = {
  // Request shape and transport
  VALIDATION_FAILED: defineError(
    'VALIDATION_FAILED',
    400,
    'The request is invalid; see details for every bad field',
  ),
  REQUEST_MALFORMED_JSON: defineError('REQUEST_MALFORMED_JSON', 400, 'The request body is not valid JSON'),
  REQUEST_UNSUPPORTED_MEDIA_TYPE: defineError(
    'REQUEST_UNSUPPORTED_MEDIA_TYPE',
    415,
    'The request body must be application/json',
  ),
  REQUEST_BODY_TOO_LARGE: defineError('REQUEST_BODY_TOO_LARGE', 413, 'The request body is too large'),
  REQUEST_NOT_FOUND: defineError('REQUEST_NOT_FOUND', 404, 'No such route'),
  REQUEST_METHOD_NOT_ALLOWED: defineError(
    'REQUEST_METHOD_NOT_ALLOWED',
    405,
    'Method not allowed on this route',
  ),
  REQUEST_CURSOR_INVALID: defineError('REQUEST_CURSOR_INVALID', 400, 'The pagination cursor is invalid'),
  REQUEST_IDEMPOTENCY_CONFLICT: defineError(
    'REQUEST_IDEMPOTENCY_CONFLICT',
    409,
    'This Idempotency-Key was used with a different request',
  ),
  // Credentials and access
  AUTH_REQUIRED: defineError('AUTH_REQUIRED', 401, 'A valid credential is required'),
  AUTH_INVALID_TOKEN: defineError('AUTH_INVALID_TOKEN', 401, 'The token is invalid or expired'),
  AUTH_INVALID_CREDENTIALS: defineError('AUTH_INVALID_CREDENTIALS', 401, 'Wrong login or password'),
  AUTH_REFRESH_TOKEN_INVALID: defineError('AUTH_REFRESH_TOKEN_INVALID', 401, 'The refresh token is invalid'),
  AUTH_REFRESH_TOKEN_REUSED: defineError(
    'AUTH_REFRESH_TOKEN_REUSED',
    401,
    'The refresh token was already used; every session of this login was revoked',
  ),
  AUTH_FORBIDDEN: defineError('AUTH_FORBIDDEN', 403, 'The credential does not allow this action'),
  AUTH_RATE_LIMITED: defineError('AUTH_RATE_LIMITED', 429, 'Too many attempts; retry later'),
  AUTH_ACCOUNT_EXISTS: defineError('AUTH_ACCOUNT_EXISTS', 409, 'An account with this login already exists'),
  // Operators and API keys
  OPERATOR_NOT_FOUND: defineError('OPERATOR_NOT_FOUND', 404, 'No such operator'),
  OPERATOR_USERNAME_TAKEN: defineError('OPERATOR_USERNAME_TAKEN', 409, 'This username is taken'),
  OPERATOR_LAST_ADMIN: defineError(
    'OPERATOR_LAST_ADMIN',
    409,
    'The last active admin cannot be removed or demoted',
  ),
  APIKEY_NOT_FOUND: defineError('APIKEY_NOT_FOUND', 404, 'No such API key'),
  APIKEY_SCOPE_UNKNOWN: defineError('APIKEY_SCOPE_UNKNOWN', 400, 'Unknown API key scope'),
  // Members
  MEMBER_NOT_FOUND: defineError('MEMBER_NOT_FOUND', 404, 'No such member'),
  MEMBER_DELETED: defineError('MEMBER_DELETED', 409, 'The member was deleted'),
  MEMBER_EMAIL_TAKEN: defineError('MEMBER_EMAIL_TAKEN', 409, 'Another member has this email'),
  MEMBER_PHONE_TAKEN: defineError('MEMBER_PHONE_TAKEN', 409, 'Another member has this phone'),
  MEMBER_VERSION_CONFLICT: defineError(
    'MEMBER_VERSION_CONFLICT',
    409,
    'The member was changed by someone else',
  ),
  // Catalogue
  ITEM_NOT_FOUND: defineError('ITEM_NOT_FOUND', 404, 'No such item'),
  // Events
  EVENT_BATCH_TOO_LARGE: defineError('EVENT_BATCH_TOO_LARGE', 413, 'A batch holds at most 1,000 events'),
  EVENT_DUPLICATE_ID: defineError('EVENT_DUPLICATE_ID', 400, 'The batch holds the same event id twice'),
  EVENT_UNKNOWN_MEMBERS: defineError('EVENT_UNKNOWN_MEMBERS', 422, 'Events name members that do not exist'),
  EVENT_IN_FUTURE: defineError('EVENT_IN_FUTURE', 422, 'occurredAt is more than five minutes ahead of now'),
  EVENT_ID_CONFLICT: defineError(
    'EVENT_ID_CONFLICT',
    409,
    'An event with this id was already stored with different content',
  ),
  // Points
  POINTS_INSUFFICIENT: defineError('POINTS_INSUFFICIENT', 409, 'The member does not have enough points'),
  POINTS_TRANSFER_DISABLED: defineError(
    'POINTS_TRANSFER_DISABLED',
    403,
    'The programme does not allow transfers between members',
  ),
  POINTS_TRANSFER_LIMIT: defineError(
    'POINTS_TRANSFER_LIMIT',
    422,
    'The transfer is outside the programme’s limits',
  ),
  // Loyalty
  LOYALTY_RULE_NOT_FOUND: defineError('LOYALTY_RULE_NOT_FOUND', 404, 'No such earning rule'),
  LOYALTY_RULE_VERSION_CONFLICT: defineError(
    'LOYALTY_RULE_VERSION_CONFLICT',
    409,
    'The rule was changed by someone else; reload it and apply your change again',
  ),
  LOYALTY_PROGRAMME_VERSION_CONFLICT: defineError(
    'LOYALTY_PROGRAMME_VERSION_CONFLICT',
    409,
    'The programme settings were changed by someone else; reload them and apply your change again',
  ),
  // Tiers
  TIER_NOT_FOUND: defineError('TIER_NOT_FOUND', 404, 'No such tier in the ladder'),
  TIER_IN_USE: defineError(
    'TIER_IN_USE',
    409,
    'Members hold a tier the new ladder removes; map them to a remaining tier in memberMapping',
  ),
  TIER_LADDER_CONFLICT: defineError(
    'TIER_LADDER_CONFLICT',
    409,
    'The tier ladder was changed by someone else; reload it and apply your change again',
  ),
  TIER_OVERRIDE_NOT_FOUND: defineError('TIER_OVERRIDE_NOT_FOUND', 404, 'The member has no tier override'),
  // Member intelligence
  MODEL_NOT_FOUND: defineError('MODEL_NOT_FOUND', 404, 'No such model'),
  MODEL_KIND_UNKNOWN: defineError('MODEL_KIND_UNKNOWN', 400, 'No such model kind'),
  VALUE_NOT_ENOUGH_DATA: defineError(
    'VALUE_NOT_ENOUGH_DATA',
    422,
    'Too few members with purchases to fit the value models',
  ),
  SEGMENT_NOT_FOUND: defineError('SEGMENT_NOT_FOUND', 404, 'No such segment'),
  SEGMENT_DEFINITION_INVALID: defineError(
    'SEGMENT_DEFINITION_INVALID',
    400,
    'The segment definition is not valid; details list each problem',
  ),
  SEGMENT_CYCLE: defineError('SEGMENT_CYCLE', 422, 'The segment refers to itself through other segments'),
  SEGMENT_VERSION_CONFLICT: defineError(
    'SEGMENT_VERSION_CONFLICT',
    409,
    'The segment was changed by someone else; reload it and apply your change again',
  ),
  SEGMENT_IN_USE: defineError('SEGMENT_IN_USE', 409, 'Other segments refer to this segment'),
  CLUSTER_RUN_NOT_FOUND: defineError('CLUSTER_RUN_NOT_FOUND', 404, 'No such cluster run'),
  CLUSTER_NOT_FOUND: defineError('CLUSTER_NOT_FOUND', 404, 'The run has no such cluster'),
  CLUSTER_NOT_ENOUGH_MEMBERS: defineError(
    'CLUSTER_NOT_ENOUGH_MEMBERS',
    422,
    'Too few members with a profile to form clusters',
  ),
  // Recommendations
  RECOMMEND_NOT_ENOUGH_DATA: defineError(
    'RECOMMEND_NOT_ENOUGH_DATA',
    422,
    'Too few members with item events to train a recommendation model',
  ),
  RECOMMEND_SETTINGS_CONFLICT: defineError(
    'RECOMMEND_SETTINGS_CONFLICT',
    409,
    'The recommendation settings were changed by someone else; reload them and apply your change again',
  ),
  RECOMMEND_LIST_NOT_FOUND: defineError(
    'RECOMMEND_LIST_NOT_FOUND',
    404,
    'No such served recommendation list',
  ),
  // Risk
  RISK_BLOCKED: defineError(
    'RISK_BLOCKED',
    403,
    'Refused by risk control; details name the decision and its reasons',
  ),
  RISK_CASE_NOT_FOUND: defineError('RISK_CASE_NOT_FOUND', 404, 'No such review case'),
  RISK_CASE_CONFLICT: defineError(
    'RISK_CASE_CONFLICT',
    409,
    'The case was changed by someone else; reload it and apply your change again',
  ),
  RISK_CASE_RESOLVED: defineError('RISK_CASE_RESOLVED', 409, 'The case is already resolved'),
  RISK_SCENARIO_NOT_FOUND: defineError('RISK_SCENARIO_NOT_FOUND', 404, 'No such scenario version'),
  RISK_DECISION_NOT_FOUND: defineError('RISK_DECISION_NOT_FOUND', 404, 'No such risk decision'),
  RISK_LIST_ENTRY_NOT_FOUND: defineError(
    'RISK_LIST_ENTRY_NOT_FOUND',
    404,
    'No such allow or block list entry',
  ),
  RISK_LIST_ENTRY_EXISTS: defineError(
    'RISK_LIST_ENTRY_EXISTS',
    409,
    'The value is already on that list; remove the entry first to change it',
  ),
  // Jobs
  JOB_NOT_FOUND: defineError('JOB_NOT_FOUND', 404, 'No such job'),
  JOB_TYPE_UNKNOWN: defineError('JOB_TYPE_UNKNOWN', 400, 'No such job type'),
  JOB_NOT_ACTIVE: defineError('JOB_NOT_ACTIVE', 409, 'The job is not queued or running'),
  JOB_NOT_RESUMABLE: defineError('JOB_NOT_RESUMABLE', 409, 'Only a failed or cancelled job can be resumed'),
  // Anything else
  SERVICE_UNAVAILABLE: defineError('SERVICE_UNAVAILABLE', 503, 'A dependency is not available'),
  INTERNAL_ERROR: defineError('INTERNAL_ERROR', 500, 'Internal error'),
} as const;
