// The rules a ladder must keep across its tiers. They read the raw request defensively, because
// they also run when some field is malformed: one reply then lists every problem at once.

export interface LadderIssue {
  path: (string | number)[];
  message: string;
}

type Raw = Record<string, unknown>;

const isRecord = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** Duplicate ids: every tier after the first with the same id is flagged. */
function duplicateIds(tiers: Raw[]): LadderIssue[] {
  const seen = new Set<unknown>();
  const issues: LadderIssue[] = [];
  tiers.forEach((tier, i) => {
    if (typeof tier.id !== 'string') return;
    if (seen.has(tier.id)) issues.push({ path: ['tiers', i, 'id'], message: `duplicate tier id ${tier.id}` });
    seen.add(tier.id);
  });
  return issues;
}

/** Position 0 is where every member starts: it must be free to enter and impossible to lose. */
function thresholdIssues(tiers: Raw[]): LadderIssue[] {
  const issues: LadderIssue[] = [];
  let previousEntry: number | null = null;
  tiers.forEach((tier, i) => {
    const entry = numberOrNull(tier.entryThreshold);
    const retain = numberOrNull(tier.retainThreshold);
    if (i === 0 && entry !== null && entry !== 0)
      issues.push({ path: ['tiers', 0, 'entryThreshold'], message: 'the first tier must have entry 0' });
    if (i > 0 && entry !== null && previousEntry !== null && entry <= previousEntry)
      issues.push({
        path: ['tiers', i, 'entryThreshold'],
        message: `must be greater than the entry threshold of the tier below (${previousEntry})`,
      });
    if (entry !== null && retain !== null && retain > entry)
      issues.push({
        path: ['tiers', i, 'retainThreshold'],
        message: `must be at most the entry threshold (${entry})`,
      });
    if (entry !== null) previousEntry = entry;
    if (tier.position !== undefined && tier.position !== i)
      issues.push({ path: ['tiers', i, 'position'], message: `must be ${i}, the tier's index` });
  });
  return issues;
}

/** Mapping targets must be tiers of the new ladder; sources must be tiers it no longer has. */
function mappingIssues(tiers: Raw[], mapping: unknown): LadderIssue[] {
  if (!isRecord(mapping)) return [];
  const ids = new Set(tiers.map((t) => t.id));
  const issues: LadderIssue[] = [];
  for (const [from, to] of Object.entries(mapping)) {
    if (ids.has(from))
      issues.push({ path: ['memberMapping', from], message: `tier ${from} stays in the ladder` });
    if (typeof to === 'string' && !ids.has(to))
      issues.push({
        path: ['memberMapping', from],
        message: `maps to ${to}, which is not in the new ladder`,
      });
  }
  return issues;
}

/** Every cross-field problem of a ladder request (field formats are zod's job). */
export function ladderIssues(value: unknown): LadderIssue[] {
  if (!isRecord(value) || !Array.isArray(value.tiers)) return [];
  // A malformed entry becomes {}, so the indices in the paths stay those of the request.
  const tiers = value.tiers.map((t: unknown) => (isRecord(t) ? t : {}));
  return [...duplicateIds(tiers), ...thresholdIssues(tiers), ...mappingIssues(tiers, value.memberMapping)];
}
