import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, Errors } from '../../errors.ts';
import { type JobHandler, jobHandler } from '../jobs/index.ts';

export const INSIGHTS_REFRESH = 'insights.refresh';

/**
 * The member-intelligence jobs in the order each needs the one before: profiles from events,
 * then value and churn scores, then segment sizes (segments read both), then clusters.
 */
export const REFRESH_PHASES = ['profiles.rebuild', 'value.train', 'segments.count', 'clusters.run'] as const;
type RefreshPhase = string;

interface Params {
  /** Phases to skip, e.g. clusters when the operator keeps a hand-picked run. */
  skip?: string[] | undefined;
}

interface PhaseOutcome {
  type: RefreshPhase;
  result: unknown;
  done: number;
  /** Wall-clock time the phase's steps took, summed (a resumed phase counts only its steps). */
  ms: number;
  /** Why the phase did not run to the end, when the shop's data cannot support it yet. */
  skipped?: string;
}

// A young shop may not have enough purchases for the value models or enough members for
// clusters: the refresh records that and goes on with the phases that can run.
const SKIPPABLE = new Set<string>([
  Errors.VALUE_NOT_ENOUGH_DATA.code,
  Errors.CLUSTER_NOT_ENOUGH_MEMBERS.code,
]);

async function stepPhase(
  ctx: AppContext,
  type: RefreshPhase,
  current: NonNullable<RefreshResult['current']>,
): Promise<{ cursor: string | null; done: number; result: unknown; skipped?: string }> {
  const handler = jobHandler(type);
  try {
    return await handler.step(ctx, handler.params.parse({}), {
      cursor: current.started ? current.cursor : null,
      done: current.done,
      result: current.started ? current.result : handler.initialResult,
    });
  } catch (error) {
    if (error instanceof AppError && SKIPPABLE.has(error.code)) {
      return { cursor: null, done: current.done, result: current.result, skipped: error.message };
    }
    throw error;
  }
}

export interface RefreshResult {
  finished: PhaseOutcome[];
  /** The phase under way: its own cursor, progress and result, so a resumed job continues it. */
  current: {
    phase: number;
    cursor: string | null;
    started: boolean;
    done: number;
    ms: number;
    result: unknown;
  } | null;
}

const EMPTY: RefreshResult = { finished: [], current: null };

/** Units of work done by the finished phases: progress keeps rising across phases. */
function doneBefore(result: RefreshResult): number {
  return result.finished.reduce((sum, p) => sum + p.done, 0);
}

/**
 * One job that runs the member-intelligence jobs one after another, step by step, each with its
 * default parameters. A step of this job is a step of the phase under way, so progress, a
 * cancel and a resume after a crash work exactly as they do for each job on its own.
 */
export function createRefreshJob(type: string, phases: readonly string[]): JobHandler<Params, RefreshResult> {
  const phasesOf = (params: Params) => phases.filter((p) => !(params.skip ?? []).includes(p));
  return {
    type,
    covers: phases,
    params: z.strictObject({
      skip: z
        .array(z.enum(phases as [string, ...string[]]))
        .max(phases.length)
        .optional(),
    }),
    initialResult: EMPTY,
    async total(ctx, params) {
      let sum = 0;
      for (const type of phasesOf(params)) {
        const handler = jobHandler(type);
        const total = await handler.total(ctx, handler.params.parse({}));
        sum += total ?? 0;
      }
      return sum > 0 ? sum : null;
    },
    async step(ctx, params, state) {
      const active = phasesOf(params);
      const current = state.result.current ?? {
        phase: 0,
        cursor: null,
        started: false,
        done: 0,
        ms: 0,
        result: null,
      };
      const type = active[current.phase] as RefreshPhase;
      const began = performance.now();
      const next = await stepPhase(ctx, type, current);
      const ms = current.ms + Math.round(performance.now() - began);
      const base = doneBefore(state.result);
      if (next.cursor !== null) {
        return {
          cursor: `${type}:${next.cursor}`,
          done: base + next.done,
          result: {
            ...state.result,
            current: {
              ...current,
              cursor: next.cursor,
              started: true,
              done: next.done,
              ms,
              result: next.result,
            },
          },
        };
      }
      const outcome: PhaseOutcome = { type, result: next.result, done: next.done, ms };
      if (next.skipped) outcome.skipped = next.skipped;
      const finished = [...state.result.finished, outcome];
      const more = current.phase + 1 < active.length;
      return {
        cursor: more ? `${active[current.phase + 1]}:start` : null,
        done: base + next.done,
        result: {
          finished,
          current: more
            ? { phase: current.phase + 1, cursor: null, started: false, done: 0, ms: 0, result: null }
            : null,
        },
      };
    },
  };
}

/** The `insights.refresh` job over REFRESH_PHASES. */
export const insightsRefreshJob = createRefreshJob(INSIGHTS_REFRESH, REFRESH_PHASES);
