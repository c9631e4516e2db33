/**
 * The probability that a member's spend over the next t periods reaches an amount, combining the
 * BG/NBD purchase count with Gamma-Gamma's spread of spend per purchase. Given the spend rate ν,
 * k purchases spend S_k ~ Gamma(k·p, ν); given the member's x repeat purchases averaging m̄,
 * ν ~ Gamma(Q, G) with Q = q + p·x and G = γ + x·m̄. So S_k/(S_k + G) ~ Beta(k·p, Q), and
 *
 *   P(S ≥ need) = Σ_{k≥1} P(Y = k) · (1 − I_{need/(need+G)}(k·p, Q)).
 */
import { regularizedIncompleteBeta } from '../optimize/special.ts';
import type { BgNbdParams } from './bgnbd.ts';
import { bgnbdPurchaseTail } from './bgnbd-count.ts';
import type { GammaGammaParams } from './gamma-gamma.ts';

/** The sum stops once P(Y ≥ k) for the remaining k is below this. */
const TAIL_CUTOFF = 1e-9;
/** Purchase counts beyond this are not summed (far past any realistic horizon). */
const MAX_PURCHASES = 100_000;

/** A member's purchase history: x repeat purchases, the last at tx, observed for T; m̄ their mean repeat spend. */
export interface SpendHistory {
  x: number;
  tx: number;
  T: number;
  m: number;
}

/** P(Y(t) ≥ k) for k = 0, 1, … until it falls below the cutoff (the last entry is below it). */
function purchaseTail(bgnbd: BgNbdParams, t: number, h: SpendHistory): Float64Array {
  for (let kMax = 64; ; kMax *= 4) {
    const tail = bgnbdPurchaseTail(bgnbd, t, h.x, h.tx, h.T, kMax);
    if ((tail[kMax] as number) < TAIL_CUTOFF || kMax >= MAX_PURCHASES) return tail;
  }
}

/**
 * P(spend in the next t periods ≥ need) as a function of need, for one member: the purchase-count
 * distribution is computed once and shared by every need asked (a tier ladder asks a few).
 * need ≤ 0 → 1; an infinite need → 0. A member with no repeat purchase (x = 0) gets the
 * population's spend distribution.
 */
export function spendReach(
  bgnbd: BgNbdParams,
  gg: GammaGammaParams,
  history: SpendHistory,
  t: number,
): (need: number) => number {
  let tail: Float64Array | null = null;
  const x = history.x;
  const Q = gg.q + gg.p * x;
  const G = gg.gamma + (x > 0 ? x * history.m : 0);
  return (need) => {
    if (!(need > 0)) return 1;
    if (!Number.isFinite(need)) return 0;
    tail ??= purchaseTail(bgnbd, t, history);
    const cut = need / (need + G);
    let p = 0;
    for (let k = 1; k < tail.length - 1; k++) {
      const atLeast = tail[k] as number;
      if (atLeast < TAIL_CUTOFF) break;
      const exactly = atLeast - (tail[k + 1] as number);
      if (exactly > 0) p += exactly * (1 - regularizedIncompleteBeta(cut, k * gg.p, Q));
    }
    return Math.min(1, Math.max(0, p));
  };
}

/** P(spend in the next t periods ≥ need) for one member (see spendReach). */
export function probabilityOfReachingSpend(
  bgnbd: BgNbdParams,
  gg: GammaGammaParams,
  history: SpendHistory,
  t: number,
  need: number,
): number {
  return spendReach(bgnbd, gg, history, t)(need);
}
