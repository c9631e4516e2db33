import type { Database } from '../../db/database.ts';
import { scoreScenario } from './risk.rules.ts';
import type { FeatureValues, RiskAction, RiskDecision, ScenarioDefinition } from './risk.types.ts';

// A backtest replays stored decisions through a scenario (a draft before it goes live, or any
// version): each decision's stored feature values are scored again, so the result says what the
// scenario would have decided on the same traffic — how many more or fewer reviews and blocks,
// which rules fire how often, and, on the decisions an analyst or a chargeback labelled, how
// many frauds it catches and how many good customers it stops. Features are the ones stored at
// the time: a rule on a feature added since sees it as unknown.

/** Decisions scanned at most per backtest (the newest in the range). */
export const MAX_BACKTEST_DECISIONS = 100_000;
const PAGE = 5_000;
const DAY_MS = 86_400_000;

type Counts = Record<RiskDecision, number>;
const zero = (): Counts => ({ allow: 0, review: 0, block: 0 });

export interface BacktestResult {
  action: RiskAction;
  from: string;
  to: string;
  decisions: number;
  /** What was decided at the time, and what the scenario decides on the same features. */
  actual: Counts;
  replayed: Counts;
  /** Decisions whose outcome changes, by (actual → replayed). */
  changed: { from: RiskDecision; to: RiskDecision; count: number }[];
  /** How often each rule fires on the replay. */
  rules: { code: string; fired: number }[];
  /** On labelled decisions: frauds caught (review or block) and good customers stopped. */
  labelled: {
    fraud: number;
    legit: number;
    fraudCaught: number;
    fraudBlocked: number;
    legitStopped: number;
    legitBlocked: number;
  };
  /** Per UTC day, replayed counts, for the chart. */
  daily: { day: string; allow: number; review: number; block: number }[];
  truncated: boolean;
}

export async function backtestScenario(
  db: Database,
  action: RiskAction,
  scenario: ScenarioDefinition,
  range: { fromMs: number; toMs: number },
): Promise<BacktestResult> {
  const actual = zero();
  const replayed = zero();
  const changed = new Map<string, number>();
  const fired = new Map<string, number>(scenario.rules.map((r) => [r.code, 0]));
  const labelled = { fraud: 0, legit: 0, fraudCaught: 0, fraudBlocked: 0, legitStopped: 0, legitBlocked: 0 };
  const daily = new Map<string, Counts>();
  let decisions = 0;
  let before: { createdAt: number; id: string } | null = null;
  // Newest first, keyset-paged, so memory stays at one page.
  while (decisions < MAX_BACKTEST_DECISIONS) {
    let query = db
      .selectFrom('riskDecisions')
      .select(['id', 'decision', 'features', 'label', 'createdAt'])
      .where('action', '=', action)
      .where('createdAt', '>=', range.fromMs)
      .where('createdAt', '<', range.toMs);
    if (before) {
      const b = before;
      query = query.where((eb) =>
        eb.or([
          eb('createdAt', '<', b.createdAt),
          eb.and([eb('createdAt', '=', b.createdAt), eb('id', '<', b.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(PAGE, MAX_BACKTEST_DECISIONS - decisions))
      .execute();
    for (const row of rows) {
      const then = row.decision as RiskDecision;
      const now = scoreScenario(scenario, JSON.parse(row.features) as FeatureValues);
      decisions++;
      actual[then]++;
      replayed[now.decision]++;
      if (then !== now.decision)
        changed.set(`${then}>${now.decision}`, (changed.get(`${then}>${now.decision}`) ?? 0) + 1);
      for (const reason of now.reasons) fired.set(reason.code, (fired.get(reason.code) ?? 0) + 1);
      const day = new Date(Math.floor(Number(row.createdAt) / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
      const counts = daily.get(day) ?? zero();
      counts[now.decision]++;
      daily.set(day, counts);
      if (row.label === 'fraud') {
        labelled.fraud++;
        if (now.decision !== 'allow') labelled.fraudCaught++;
        if (now.decision === 'block') labelled.fraudBlocked++;
      } else if (row.label === 'legit') {
        labelled.legit++;
        if (now.decision !== 'allow') labelled.legitStopped++;
        if (now.decision === 'block') labelled.legitBlocked++;
      }
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < PAGE) break;
    before = { createdAt: Number(last.createdAt), id: last.id };
  }
  return {
    action,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    decisions,
    actual,
    replayed,
    changed: [...changed]
      .map(([key, count]) => {
        const [from, to] = key.split('>') as [RiskDecision, RiskDecision];
        return { from, to, count };
      })
      .sort((a, b) => b.count - a.count),
    rules: [...fired].map(([code, count]) => ({ code, fired: count })).sort((a, b) => b.fired - a.fired),
    labelled,
    daily: [...daily].map(([day, c]) => ({ day, ...c })).sort((a, b) => a.day.localeCompare(b.day)),
    truncated: decisions >= MAX_BACKTEST_DECISIONS,
  };
}
