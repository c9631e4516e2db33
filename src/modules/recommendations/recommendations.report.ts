import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { flushExposures } from './recommendations.exposure-log.ts';
import type { Report, VariantReport } from './recommendations.types.ts';

// Click-through and conversion per variant from the exposure log and its feedback. Feedback is
// attributed to the day its list was served. A click is a view of a listed item; the same item
// clicked twice from one list counts once, so CTR = clicks / items shown stays a proportion.

const DAY_MS = 86_400_000;
/** How lists served without an experiment are named in the report. */
export const DEFAULT_VARIANT = 'default';
const Z95 = 1.959963984540054;

export interface ReportRange {
  /** First UTC day, inclusive, `YYYY-MM-DD`. */
  from: string;
  /** Last UTC day, inclusive. */
  to: string;
}

/** Wilson score interval of a proportion x / n at 95 %; [0, 1] when n is 0. */
export function wilsonInterval(x: number, n: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = x / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At x = 0 (x = n) the bound is exactly 0 (1); rounding would leave a speck.
  return { low: x === 0 ? 0 : Math.max(0, centre - half), high: x === n ? 1 : Math.min(1, centre + half) };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Two-sided p-value of the pooled two-proportion z-test; 1 when there is nothing to compare. */
export function twoProportionPValue(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 1;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const z = (x2 / n2 - x1 / n1) / se;
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const variantName = (v: string | null) => v ?? DEFAULT_VARIANT;

interface Counts {
  clicks: number;
  carts: number;
  orders: number;
  listsWithOrder: number;
}

async function exposureByVariant(db: Database, fromMs: number, toMs: number, surface: string) {
  return db
    .selectFrom('recommendationsServed')
    .select((eb) => [
      'variant',
      eb.fn.countAll<number | string>().as('lists'),
      eb.fn.count<number | string>('memberId').distinct().as('members'),
      eb.fn.sum<number | string>('itemCount').as('itemsShown'),
    ])
    .where('servedAt', '>=', fromMs)
    .where('servedAt', '<', toMs)
    .where('surface', '=', surface)
    .groupBy('variant')
    .execute();
}

/** The model each variant served last in the range, with its kind. */
async function latestModels(db: Database, fromMs: number, toMs: number, surface: string) {
  const rows = await db
    .selectFrom('recommendationsServed')
    .select((eb) => ['variant', 'modelId', eb.fn.max('servedAt').as('last')])
    .where('servedAt', '>=', fromMs)
    .where('servedAt', '<', toMs)
    .where('surface', '=', surface)
    .where('modelId', 'is not', null)
    .groupBy(['variant', 'modelId'])
    .execute();
  const latest = new Map<string, { modelId: string; last: number }>();
  for (const row of rows) {
    const name = variantName(row.variant);
    const seen = latest.get(name);
    if (!seen || Number(row.last) > seen.last)
      latest.set(name, { modelId: row.modelId as string, last: Number(row.last) });
  }
  const ids = [...new Set([...latest.values()].map((l) => l.modelId))];
  const models =
    ids.length === 0
      ? []
      : await db.selectFrom('models').select(['id', 'params']).where('id', 'in', ids).execute();
  const kinds = new Map(
    models.map((m) => [m.id, (JSON.parse(m.params) as { model?: string }).model ?? null]),
  );
  return new Map(
    [...latest].map(([name, l]) => [name, { modelId: l.modelId, modelKind: kinds.get(l.modelId) ?? null }]),
  );
}

/** Feedback counts per (served day, variant, type): distinct listed items, and distinct lists. */
async function feedbackCounts(db: Database, fromMs: number, toMs: number, surface: string) {
  return db
    .selectFrom('recommendationFeedback as f')
    .innerJoin('recommendationsServed as s', 's.id', 'f.recommendationId')
    .select((eb) => [
      sql<number | string>`${sql.ref('s.servedAt')} / ${sql.lit(DAY_MS)}`.as('day'),
      's.variant',
      'f.type',
      eb.fn
        .count<number | string>(
          sql`${sql.ref('f.recommendationId')} || '|' || coalesce(${sql.ref('f.itemId')}, ${sql.ref('f.eventId')})`,
        )
        .distinct()
        .as('items'),
      eb.fn.count<number | string>('f.recommendationId').distinct().as('lists'),
    ])
    .where('s.servedAt', '>=', fromMs)
    .where('s.servedAt', '<', toMs)
    .where('s.surface', '=', surface)
    .groupBy([sql`${sql.ref('s.servedAt')} / ${sql.lit(DAY_MS)}`, 's.variant', 'f.type'])
    .execute();
}

async function dailyExposure(db: Database, fromMs: number, toMs: number, surface: string) {
  return db
    .selectFrom('recommendationsServed')
    .select((eb) => [
      sql<number | string>`${sql.ref('servedAt')} / ${sql.lit(DAY_MS)}`.as('day'),
      'variant',
      eb.fn.countAll<number | string>().as('lists'),
      eb.fn.sum<number | string>('itemCount').as('itemsShown'),
    ])
    .where('servedAt', '>=', fromMs)
    .where('servedAt', '<', toMs)
    .where('surface', '=', surface)
    .groupBy([sql`${sql.ref('servedAt')} / ${sql.lit(DAY_MS)}`, 'variant'])
    .execute();
}

/**
 * CTR (with its Wilson interval), carts, orders and conversion per variant, a daily series, and
 * a two-proportion z-test of CTR between the first two variants (in `variantOrder`, the
 * experiment's order, then by name).
 */
export async function buildReport(
  db: Database,
  range: ReportRange,
  options: { variantOrder?: readonly string[]; surface?: string } = {},
): Promise<Report> {
  // Lists this process served moments ago count too.
  await flushExposures(db);
  const surface = options.surface ?? 'member';
  const fromMs = Date.parse(`${range.from}T00:00:00Z`);
  const toMs = Date.parse(`${range.to}T00:00:00Z`) + DAY_MS;
  const [exposure, models, feedback, daily] = await Promise.all([
    exposureByVariant(db, fromMs, toMs, surface),
    latestModels(db, fromMs, toMs, surface),
    feedbackCounts(db, fromMs, toMs, surface),
    dailyExposure(db, fromMs, toMs, surface),
  ]);
  const totals = new Map<string, Counts>();
  const perDay = new Map<string, Counts>();
  const bump = (map: Map<string, Counts>, key: string, type: string, items: number, lists: number) => {
    const c = map.get(key) ?? { clicks: 0, carts: 0, orders: 0, listsWithOrder: 0 };
    if (type === 'view') c.clicks += items;
    else if (type === 'cart_add') c.carts += items;
    else if (type === 'order_paid') {
      c.orders += items;
      c.listsWithOrder += lists;
    }
    map.set(key, c);
  };
  for (const row of feedback) {
    const name = variantName(row.variant);
    bump(totals, name, row.type, Number(row.items), Number(row.lists));
    bump(perDay, `${Number(row.day)}|${name}`, row.type, Number(row.items), Number(row.lists));
  }
  const variants: VariantReport[] = exposure.map((row) => {
    const name = variantName(row.variant);
    const c = totals.get(name) ?? { clicks: 0, carts: 0, orders: 0, listsWithOrder: 0 };
    const lists = Number(row.lists);
    const itemsShown = Number(row.itemsShown ?? 0);
    const interval = wilsonInterval(c.clicks, itemsShown);
    return {
      variant: name,
      modelId: models.get(name)?.modelId ?? null,
      modelKind: models.get(name)?.modelKind ?? null,
      lists,
      members: Number(row.members),
      itemsShown,
      clicks: c.clicks,
      ctr: itemsShown > 0 ? c.clicks / itemsShown : 0,
      ctrLow: interval.low,
      ctrHigh: interval.high,
      carts: c.carts,
      orders: c.orders,
      conversion: lists > 0 ? c.listsWithOrder / lists : 0,
    };
  });
  const order = options.variantOrder ?? [];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  variants.sort((a, b) => rank(a.variant) - rank(b.variant) || (a.variant < b.variant ? -1 : 1));
  const dailyRows = daily
    .map((row) => {
      const name = variantName(row.variant);
      const c = perDay.get(`${Number(row.day)}|${name}`);
      return {
        day: dayOf(Number(row.day) * DAY_MS),
        variant: name,
        lists: Number(row.lists),
        itemsShown: Number(row.itemsShown ?? 0),
        clicks: c?.clicks ?? 0,
        orders: c?.orders ?? 0,
      };
    })
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : rank(a.variant) - rank(b.variant)));
  return { from: range.from, to: range.to, variants, daily: dailyRows, comparison: compare(variants) };
}

function compare(variants: VariantReport[]): Report['comparison'] {
  const [control, treatment] = variants;
  if (!control || !treatment) return null;
  return {
    control: control.variant,
    treatment: treatment.variant,
    ctrLift: control.ctr > 0 ? (treatment.ctr - control.ctr) / control.ctr : null,
    pValue: twoProportionPValue(control.clicks, control.itemsShown, treatment.clicks, treatment.itemsShown),
  };
}
