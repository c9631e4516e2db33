/** The API's shapes as the dashboard reads them (see docs/api.md and /openapi.json). */

export type OperatorRole = 'admin' | 'operator' | 'analyst' | 'auditor';
export const OPERATOR_ROLES: readonly OperatorRole[] = ['admin', 'operator', 'analyst', 'auditor'];

export interface Money {
  amount: number;
  currency: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface SignedInOperator {
  id: string;
  username: string;
  role: OperatorRole;
}

export interface LoginResult {
  token: string;
  expiresIn: number;
  operator: SignedInOperator;
}

export interface Operator extends SignedInOperator {
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export type MemberStatus = 'active' | 'suspended' | 'deleted';

export interface Member {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  address: string | null;
  gender: string | null;
  region: string | null;
  locale: string | null;
  channel: string | null;
  attributes: Record<string, unknown>;
  consents: Record<string, { granted: boolean; at?: string }>;
  status: MemberStatus;
  registeredAt: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  version: number;
}

export interface MemberEvent {
  id: string;
  type: string;
  memberId: string;
  itemId: string | null;
  orderId: string | null;
  occurredAt: string;
  receivedAt: string;
  quantity: number | null;
  price: Money | null;
  amount: Money | null;
  rating: number | null;
  text: string | null;
  context: {
    ip: string | null;
    deviceId: string | null;
    userAgent: string | null;
    channel: string | null;
  } | null;
  properties: Record<string, unknown> | null;
}

// The server's own list (a dependency-free file), so the two cannot drift apart.
export { EVENT_TYPES } from '../../../src/modules/events/event-types.ts';

export interface AuditEntry {
  seq: number;
  id: string;
  at: string;
  actorType: string;
  actorId: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  checkedThrough: number;
  problems: { seq: number; kind: string; message: string; count?: number }[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

/** Scopes an API key may hold: the server's own list (src/http/scopes.ts, dependency-free). */
export { SCOPES as API_KEY_SCOPES } from '../../../src/http/scopes.ts';

export interface OverviewDay {
  day: string;
  orders: number;
  gmv: Money;
  refunds: number;
  newMembers: number;
  events: number;
}

/** `GET /v1/stats/overview`: every day of the range is present, with zeros when idle. */
export interface Overview {
  from: string;
  to: string;
  currency: string;
  members: {
    total: number;
    new7d: number;
    new30d: number;
    active7d: number;
    active30d: number;
    newInRange: number;
  };
  daily: OverviewDay[];
  eventsByType: { day: string; counts: Record<string, number> }[];
  topCategories: { category: string; orders: number; revenue: Money }[];
}
