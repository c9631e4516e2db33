import type { OperatorRole } from './api/types.ts';

export type Section = 'overview' | 'members' | 'audit' | 'admin';

/** Which sections each role sees (the API enforces the same through scopes). */
const SECTIONS: Record<OperatorRole, readonly Section[]> = {
  admin: ['overview', 'members', 'audit', 'admin'],
  operator: ['overview', 'members'],
  analyst: ['overview', 'members'],
  auditor: ['audit'],
};

export function sectionsFor(role: OperatorRole): readonly Section[] {
  return SECTIONS[role];
}

export function mayOpen(role: OperatorRole, section: Section): boolean {
  return SECTIONS[role].includes(section);
}

/** Where a role lands after signing in. */
export function homeFor(role: OperatorRole): string {
  return `/${SECTIONS[role][0]}`;
}

/** Only admins and operators may see a member's personal data in full. */
export function mayRevealPii(role: OperatorRole): boolean {
  return role === 'admin' || role === 'operator';
}
