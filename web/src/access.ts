// The server's own table (a dependency-free file), so what the dashboard offers a role and what
// the API lets it do cannot drift apart.
import { ROLE_SCOPES, type Scope } from '../../src/http/scopes.ts';
import type { OperatorRole } from './api/types.ts';

/**
 * A page the navigation can link to. The loyalty pages (overview, rules, tiers, programme
 * settings, jobs) form a group in the navigation.
 */
export type Section =
  | 'overview'
  | 'members'
  | 'loyalty'
  | 'rules'
  | 'tiers'
  | 'settings'
  | 'jobs'
  | 'value'
  | 'segments'
  | 'clusters'
  | 'recommend'
  | 'similar'
  | 'risk'
  | 'audit'
  | 'admin';

/**
 * The Insights pages: the value overview and clusters read profiles, the segments need segments:read,
 * the recommendation models need models:read and the similar-items explorer recommend:read.
 */
const INSIGHTS: readonly Section[] = ['value', 'segments', 'clusters', 'recommend', 'similar'];

/**
 * Which sections each role sees, in navigation order (the API enforces the same through scopes).
 * The rules, tiers and settings pages need loyalty:read to open; loyalty:write makes them editable.
 * The Insights pages need profiles:read (segments: segments:read); segments:write makes the segment
 * builder editable, models:manage shows the retrain and clustering buttons. The risk review queue
 * needs risk:read (admins, operators, analysts); risk:review shows the assign, comment and resolve
 * actions.
 */
const SECTIONS: Record<OperatorRole, readonly Section[]> = {
  admin: [
    'overview',
    'members',
    'loyalty',
    'rules',
    'tiers',
    'settings',
    'jobs',
    ...INSIGHTS,
    'risk',
    'audit',
    'admin',
  ],
  operator: ['overview', 'members', 'loyalty', 'rules', 'tiers', 'settings', 'jobs', ...INSIGHTS, 'risk'],
  analyst: ['overview', 'members', 'loyalty', 'rules', 'tiers', 'settings', ...INSIGHTS, 'risk'],
  auditor: ['audit'],
};

/** Where each section lives; loyalty's pages share the `/loyalty` prefix. */
const PATHS: Record<Section, string> = {
  overview: '/overview',
  members: '/members',
  loyalty: '/loyalty',
  rules: '/loyalty/rules',
  tiers: '/loyalty/tiers',
  settings: '/loyalty/settings',
  jobs: '/loyalty/jobs',
  value: '/insights/value',
  segments: '/insights/segments',
  clusters: '/insights/clusters',
  recommend: '/insights/recommendations',
  similar: '/insights/similar',
  risk: '/risk',
  audit: '/audit',
  admin: '/admin',
};

export function sectionsFor(role: OperatorRole): readonly Section[] {
  return SECTIONS[role];
}

export function mayOpen(role: OperatorRole, section: Section): boolean {
  return SECTIONS[role].includes(section);
}

export function pathOf(section: Section): string {
  return PATHS[section];
}

/** Where a role lands after signing in. */
export function homeFor(role: OperatorRole): string {
  return pathOf(SECTIONS[role][0] as Section);
}

/** Whether the role's operators hold `scope`, for actions inside a page (adjusting points, …). */
export function hasScope(role: OperatorRole, scope: Scope): boolean {
  return ROLE_SCOPES[role].includes(scope);
}

/** Only admins and operators may see a member's personal data in full. */
export function mayRevealPii(role: OperatorRole): boolean {
  return role === 'admin' || role === 'operator';
}
