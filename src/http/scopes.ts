/** Every scope an API key can hold; operators get theirs from their role. */
export const SCOPES = [
  'members:read',
  'members:write',
  'items:read',
  'items:write',
  'events:read',
  'events:write',
  'operators:manage',
  'apikeys:manage',
  'audit:read',
  'stats:read',
  'points:read',
  'points:write',
  'loyalty:read',
  'loyalty:write',
  'jobs:read',
  'jobs:manage',
  'profiles:read',
  'segments:read',
  'segments:write',
  'models:read',
  'models:manage',
  'recommend:read',
  'risk:check',
  'risk:read',
  'risk:review',
  'risk:manage',
] as const;

export type Scope = (typeof SCOPES)[number];

export const OPERATOR_ROLES = ['admin', 'operator', 'analyst', 'auditor'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** What each operator role may do. Analysts read members with personal data masked. */
export const ROLE_SCOPES: Readonly<Record<OperatorRole, readonly Scope[]>> = {
  admin: SCOPES,
  operator: [
    'members:read',
    'members:write',
    'items:read',
    'items:write',
    'events:read',
    'events:write',
    'stats:read',
    'points:read',
    'points:write',
    'loyalty:read',
    'loyalty:write',
    'jobs:read',
    'jobs:manage',
    'profiles:read',
    'segments:read',
    'segments:write',
    'models:read',
    'models:manage',
    'recommend:read',
    'risk:read',
    'risk:review',
    'risk:manage',
  ],
  analyst: [
    'members:read',
    'items:read',
    'events:read',
    'stats:read',
    'points:read',
    'loyalty:read',
    'jobs:read',
    'profiles:read',
    'segments:read',
    'segments:write',
    'models:read',
    'recommend:read',
    'risk:read',
    'risk:review',
  ],
  auditor: ['audit:read'],
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
