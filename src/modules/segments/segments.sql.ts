import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { DAY_MS, type FieldSource, type FieldSpec, type SqlScope, segmentField } from './segments.fields.ts';
import type {
  ClusterLeaf,
  Comparison,
  Condition,
  EventFilter,
  EventLeaf,
  FieldLeaf,
} from './segments.types.ts';
import { leavesOf } from './segments.validate.ts';

// Compiles a resolved definition into one SQL boolean over the row aliases the repository joins
// (sm = members, p, s, pa, t). Values are always bound parameters; identifiers come only from
// the field catalogue and this file. Under a `not` every leaf is two-valued (never NULL), so `not`
// is the exact complement and SQL agrees with the in-memory evaluation (segments.evaluate.ts).

type Bool = RawBuilder<SqlBool>;

const COMPARE: Record<Comparison['op'], string> = { gte: '>=', gt: '>', lte: '<=', lt: '<', eq: '=' };

const bool = (scope: SqlScope, value: boolean) =>
  sql.raw(scope.dialect === 'postgres' ? String(value) : value ? '1' : '0');

function fieldSql(leaf: FieldLeaf, spec: FieldSpec, scope: SqlScope, negated: boolean): Bool {
  const x = spec.sql(scope);
  const v = leaf.value;
  // An absent value (NULL) fails every operator but ne, notIn and notExists. Outside any `not`,
  // a NULL comparison already filters the row out like false, so it is left bare: the planners
  // then see a null-rejecting test and turn the left join into an inner one. Under a `not`,
  // NULL must become false first, or `not` would keep it NULL.
  const absent = (holds: boolean, expr: RawBuilder<unknown>) =>
    !holds && !negated ? sql<SqlBool>`(${expr})` : sql<SqlBool>`coalesce(${expr}, ${bool(scope, holds)})`;
  switch (leaf.op) {
    case 'exists':
      return sql`(${x} is not null)`;
    case 'notExists':
      return sql`(${x} is null)`;
    case 'eq':
      return absent(false, sql`${x} = ${v}`);
    case 'ne':
      return absent(true, sql`${x} <> ${v}`);
    case 'gt':
      return absent(false, sql`${x} > ${v}`);
    case 'gte':
      return absent(false, sql`${x} >= ${v}`);
    case 'lt':
      return absent(false, sql`${x} < ${v}`);
    case 'lte':
      return absent(false, sql`${x} <= ${v}`);
    case 'between': {
      const [low, high] = v as [number, number];
      return absent(false, sql`${x} between ${low} and ${high}`);
    }
    case 'in':
      return absent(false, sql`${x} in (${sql.join(v as unknown[])})`);
    case 'notIn':
      return absent(true, sql`${x} not in (${sql.join(v as unknown[])})`);
  }
}

/** Whether the item's category path has `category` at any level, without LIKE wildcards. */
function categoryMatch(scope: SqlScope, category: string): Bool {
  const haystack = sql`(' > ' || i.category_path || ' > ')`;
  const needle = sql`(' > ' || cast(${category} as text) || ' > ')`;
  return scope.dialect === 'postgres'
    ? sql`strpos(${haystack}, ${needle}) > 0`
    : sql`instr(${haystack}, ${needle}) > 0`;
}

/** The events a leaf counts: `from events e [join items i] where …`, of member sm when `correlated`. */
function eventsFrom(filter: EventFilter, scope: SqlScope, correlated: boolean): RawBuilder<unknown> {
  const where: RawBuilder<unknown>[] = [sql`e.type = ${filter.type}`];
  if (correlated) where.unshift(sql`e.member_id = sm.id`);
  const window = eventWindow(filter, scope.now);
  if (window.from !== null) where.push(sql`e.occurred_at >= ${window.from}`);
  if (window.to !== null) where.push(sql`e.occurred_at < ${window.to}`);
  if (filter.itemId !== undefined) where.push(sql`e.item_id = ${filter.itemId}`);
  if (filter.category !== undefined) where.push(categoryMatch(scope, filter.category));
  if (filter.brand !== undefined) where.push(sql`i.brand = ${filter.brand}`);
  const join =
    filter.category !== undefined || filter.brand !== undefined
      ? sql`join items i on i.id = e.item_id`
      : sql``;
  return sql`from events e ${join} where ${sql.join(where, sql` and `)}`;
}

/**
 * The [from, to) window of an event leaf in epoch ms: `withinDays` is the last N days up to and
 * including now; `from` is inclusive, `to` exclusive; no bound means all time.
 */
export function eventWindow(filter: EventFilter, now: number): { from: number | null; to: number | null } {
  if (filter.withinDays !== undefined) return { from: now - filter.withinDays * DAY_MS, to: now + 1 };
  return {
    from: filter.from === undefined ? null : Date.parse(filter.from),
    to: filter.to === undefined ? null : Date.parse(filter.to),
  };
}

/** Without count or amount, a leaf means "at least one such event". */
export function countOf(leaf: EventLeaf): Comparison | undefined {
  return leaf.count ?? (leaf.amount ? undefined : { op: 'gte', value: 1 });
}

/** Whether `x op v` holds: the comparison of count and amount conditions, shared with the evaluator. */
export function compare(op: Comparison['op'], x: number, v: number): boolean {
  if (op === 'gte') return x >= v;
  if (op === 'gt') return x > v;
  if (op === 'lte') return x <= v;
  if (op === 'lt') return x < v;
  return x === v;
}

/**
 * An event condition. When it fails for a member without such events (the usual "at least n"),
 * it is a semi-join on the members whose events pass: one scan of the window's events through
 * the (type, occurred_at) index, grouped, instead of one index probe per member. When zero
 * events pass (count eq 0, lt n …), every member must be looked at: a correlated count per
 * member through the (member_id, occurred_at) index.
 */
function eventSql(leaf: EventLeaf, scope: SqlScope): Bool {
  const count = countOf(leaf);
  // Only amounts in the programme currency are money; other currencies add nothing.
  const sum = sql`coalesce(sum(case when e.currency = ${scope.currency} then e.amount else 0 end), 0)`;
  const tests: [RawBuilder<unknown>, Comparison][] = [];
  if (count) tests.push([sql`count(*)`, count]);
  if (leaf.amount) tests.push([sum, leaf.amount]);
  const holdsAtZero = tests.every(([, c]) => compare(c.op, 0, c.value));
  if (!holdsAtZero) {
    const having = sql.join(
      tests.map(([agg, c]) => sql`${agg} ${sql.raw(COMPARE[c.op])} ${c.value}`),
      sql` and `,
    );
    const from = eventsFrom(leaf.event, scope, false);
    return sql`(sm.id in (select e.member_id ${from} group by e.member_id having ${having}))`;
  }
  const from = eventsFrom(leaf.event, scope, true);
  const parts = tests.map(
    ([agg, c]) => sql<SqlBool>`(select ${agg} ${from}) ${sql.raw(COMPARE[c.op])} ${c.value}`,
  );
  return sql`(${sql.join(parts, sql` and `)})`;
}

function clusterSql(leaf: ClusterLeaf): Bool {
  return sql`exists (select 1 from member_clusters mc where mc.run_id = ${leaf.cluster.runId} and mc.member_id = sm.id and mc.cluster = ${leaf.cluster.index})`;
}

/** One SQL boolean for a resolved definition (no `{ segment }` leaves left). */
export function compileCondition(condition: Condition, scope: SqlScope, negated = false): Bool {
  if ('all' in condition)
    return sql`(${sql.join(
      condition.all.map((c) => compileCondition(c, scope, negated)),
      sql` and `,
    )})`;
  if ('any' in condition)
    return sql`(${sql.join(
      condition.any.map((c) => compileCondition(c, scope, negated)),
      sql` or `,
    )})`;
  if ('not' in condition) return sql`(not ${compileCondition(condition.not, scope, true)})`;
  if ('event' in condition) return eventSql(condition, scope);
  if ('cluster' in condition) return clusterSql(condition);
  if ('segment' in condition) throw new Error('segment references must be resolved before compiling');
  const spec = segmentField(condition.field);
  if (!spec) throw new Error(`unknown field ${condition.field}`);
  return fieldSql(condition, spec, scope, negated);
}

/** A compiled definition: the boolean, and the tables beside members its fields read. */
export interface CompiledSegment {
  where: Bool;
  sources: ReadonlySet<FieldSource>;
}

/** Compiles a resolved definition and notes which tables the query must join. */
export function compileSegment(condition: Condition, scope: SqlScope): CompiledSegment {
  const sources = new Set<FieldSource>();
  for (const leaf of leavesOf(condition)) {
    const source = 'field' in leaf ? segmentField(leaf.field)?.source : undefined;
    if (source) sources.add(source);
  }
  return { where: compileCondition(condition, scope), sources };
}
