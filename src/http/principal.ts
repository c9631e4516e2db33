import type { OperatorRole, Scope } from './scopes.ts';

/** Who is calling: the store's backend (API key), an operator (dashboard) or a member (app). */
export type Principal =
  | { kind: 'apikey'; id: string; name: string; scopes: ReadonlySet<Scope> }
  | { kind: 'operator'; id: string; username: string; role: OperatorRole; scopes: ReadonlySet<Scope> }
  | { kind: 'member'; memberId: string };

/** How personal data is shown to a caller: in full, or masked (`138****5678`). */
export type PiiView = 'full' | 'masked';

export function piiViewOf(principal: Principal): PiiView {
  return principal.kind === 'operator' && principal.role === 'analyst' ? 'masked' : 'full';
}

/** The actor recorded in the audit log. */
export function actorOf(principal: Principal): { actorType: string; actorId: string } {
  if (principal.kind === 'member') return { actorType: 'member', actorId: principal.memberId };
  return { actorType: principal.kind, actorId: principal.id };
}
