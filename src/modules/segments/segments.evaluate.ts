import { type FieldValue, type MemberFacts, type SqlScope, segmentField } from './segments.fields.ts';
import { compare, countOf, eventWindow } from './segments.sql.ts';
import type { Condition, EventLeaf, FieldLeaf } from './segments.types.ts';

// The in-memory twin of segments.sql.ts: the same definition evaluated over one member's loaded
// rows. Absent values follow the same rule as SQL: every operator fails but ne, notIn, notExists.

/** One of the member's events with its item's current category path and brand (null without an item row). */
export interface EventFact {
  type: string;
  occurredAt: number;
  itemId: string | null;
  amount: number | null;
  currency: string | null;
  categoryPath: string | null;
  brand: string | null;
}

export interface EvaluationFacts extends MemberFacts {
  events: EventFact[];
  /** run id → the member's cluster in that run. */
  clusters: Map<string, number>;
}

function fieldHolds(leaf: FieldLeaf, x: FieldValue): boolean {
  const v = leaf.value;
  if (leaf.op === 'exists') return x !== null;
  if (leaf.op === 'notExists') return x === null;
  if (x === null) return leaf.op === 'ne' || leaf.op === 'notIn';
  if (leaf.op === 'eq') return x === v;
  if (leaf.op === 'ne') return x !== v;
  if (leaf.op === 'in') return (v as unknown[]).includes(x);
  if (leaf.op === 'notIn') return !(v as unknown[]).includes(x);
  return typeof x === 'number' && ordered(leaf.op, x, v);
}

/** Ordered operators apply to number fields only (validation guarantees it). */
function ordered(op: FieldLeaf['op'], x: number, v: unknown): boolean {
  switch (op) {
    case 'gt':
      return x > (v as number);
    case 'gte':
      return x >= (v as number);
    case 'lt':
      return x < (v as number);
    case 'lte':
      return x <= (v as number);
    case 'between': {
      const [low, high] = v as [number, number];
      return x >= low && x <= high;
    }
    default:
      return false;
  }
}

const inCategory = (path: string, category: string) => ` > ${path} > `.includes(` > ${category} > `);

function eventHolds(leaf: EventLeaf, facts: EvaluationFacts, scope: SqlScope): boolean {
  const f = leaf.event;
  const window = eventWindow(f, scope.now);
  let count = 0;
  let amount = 0;
  for (const e of facts.events) {
    if (e.type !== f.type) continue;
    if (window.from !== null && e.occurredAt < window.from) continue;
    if (window.to !== null && e.occurredAt >= window.to) continue;
    if (f.itemId !== undefined && e.itemId !== f.itemId) continue;
    if (f.category !== undefined && (e.categoryPath === null || !inCategory(e.categoryPath, f.category)))
      continue;
    if (f.brand !== undefined && (e.categoryPath === null || e.brand !== f.brand)) continue;
    count += 1;
    if (e.currency === scope.currency && e.amount !== null) amount += e.amount;
  }
  const byCount = countOf(leaf);
  if (byCount && !compare(byCount.op, count, byCount.value)) return false;
  return !leaf.amount || compare(leaf.amount.op, amount, leaf.amount.value);
}

/** Whether the member the facts describe is in the (resolved) definition. */
export function evaluateCondition(condition: Condition, facts: EvaluationFacts, scope: SqlScope): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, facts, scope));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, facts, scope));
  if ('not' in condition) return !evaluateCondition(condition.not, facts, scope);
  if ('event' in condition) return eventHolds(condition, facts, scope);
  if ('cluster' in condition) return facts.clusters.get(condition.cluster.runId) === condition.cluster.index;
  if ('segment' in condition) throw new Error('segment references must be resolved before evaluating');
  const spec = segmentField(condition.field);
  if (!spec) throw new Error(`unknown field ${condition.field}`);
  return fieldHolds(condition, spec.read(facts, scope));
}
