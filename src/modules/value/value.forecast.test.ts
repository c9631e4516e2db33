import { describe, expect, it } from 'vitest';
import { gammaGammaExpectedAverageSpend } from '../../ml/clv/index.ts';
import { createRng } from '../../ml/gbdt/index.ts';
import { moveCalibration, reliability } from './value.calibration.ts';
import {
  countReach,
  forecastMove,
  likelyPurchases,
  moveMetrics,
  moveTo,
  predictStanding,
  purchasesNeeded,
  standingAt,
} from './value.forecast.ts';
import { purchaseTail, spreadReach } from './value.score.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const ladder = [
  { id: 'member', entryThreshold: 0, retainThreshold: 0 },
  { id: 'silver', entryThreshold: 100_000, retainThreshold: 80_000 },
  { id: 'gold', entryThreshold: 500_000, retainThreshold: 400_000 },
];

describe('the tier forecast', () => {
  it('drops from a rolling window what leaves it by the horizon and adds the expected spend', () => {
    const events = [
      { at: NOW - 340 * DAY, delta: 60_000 }, // leaves the window within 90 days
      { at: NOW - 100 * DAY, delta: 50_000 },
      { at: NOW - 10 * DAY, delta: -5_000 }, // a refund
    ];
    expect(standingAt(events, 'rolling_12_months', NOW).current).toBe(105_000);
    const predicted = predictStanding(events, 'rolling_12_months', NOW, NOW + 90 * DAY, 20_000);
    expect(predicted.current).toBe(65_000);
    expect(moveTo(ladder, 1, predicted, 'rolling_12_months')).toBe(0);
  });

  it('moves up several steps at once when the predicted metric reaches a higher entry threshold', () => {
    expect(moveTo(ladder, 0, { current: 520_000, previous: 0 }, 'lifetime')).toBe(2);
  });

  it('keeps a tier while the metric stays at or above its retain threshold', () => {
    expect(moveTo(ladder, 2, { current: 400_000, previous: 0 }, 'rolling_12_months')).toBe(2);
    expect(moveTo(ladder, 2, { current: 399_999, previous: 0 }, 'rolling_12_months')).toBe(1);
    expect(moveTo(ladder, 2, { current: 10, previous: 0 }, 'rolling_12_months')).toBe(0);
  });

  it('counts only the part of the expected spend that falls in the new calendar year, and keeps last year for retain', () => {
    const dec = Date.UTC(2026, 11, 1);
    const events = [{ at: dec - 30 * DAY, delta: 450_000 }];
    const predicted = predictStanding(events, 'calendar_year', dec, dec + 62 * DAY, 62_000);
    expect(predicted.current).toBeCloseTo(31_000, 6);
    expect(predicted.previous).toBeCloseTo(450_000 + 31_000, 6);
    expect(moveTo(ladder, 2, predicted, 'calendar_year')).toBe(2);
  });

  it('scores predicted moves by accuracy and by precision and recall of each direction', () => {
    const m = moveMetrics([1, 1, 0, -1, 0], [1, 0, 0, -1, -1]);
    expect(m.accuracy).toBeCloseTo(3 / 5);
    expect(m.noChangeAccuracy).toBeCloseTo(2 / 5);
    expect(m.up).toEqual({ precision: 0.5, recall: 1, predicted: 2, actual: 1 });
    expect(m.down).toEqual({ precision: 1, recall: 0.5, predicted: 1, actual: 2 });
  });

  it('takes the median of the purchase count: none below ln 2 expected purchases', () => {
    expect(likelyPurchases(0)).toBe(0);
    expect(likelyPurchases(0.69)).toBe(0);
    expect(likelyPurchases(0.7)).toBe(1);
    expect(likelyPurchases(3)).toBe(3);
    expect(likelyPurchases(10.2)).toBe(10);
  });
});

describe('the probabilistic tier forecast', () => {
  // CDNOW-like BG/NBD parameters in weeks; a 13-week horizon.
  const bgnbd = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const weeks = 13;
  const each = (v: number) => ({ current: v, previous: 0 });

  it('predicts a climb for an active member one purchase away from the next tier', () => {
    // 10 repeat purchases averaging 5,000, the last a week ago: P(alive) high, a purchase in 13
    // weeks likely (0.81). Purchases spend 4,960 on average but vary (Gamma-Gamma p = 1.2: a
    // coefficient of variation near 1), so the next one may fall short of the 4,000 missing:
    // P(up) is below P(≥ 1 purchase), and still above 0.5 because 4,000 is under the mean spend
    // (a need of a whole mean purchase would give 0.58, of 1.5 purchases 0.48).
    const gammaGamma = { p: 1.2, q: 4, gamma: 12_000 };
    const history = { x: 10, tx: 51, T: 52, m: 5_000 };
    const z = gammaGammaExpectedAverageSpend(gammaGamma, 10, 5_000);
    const reach = spreadReach({ bgnbd, gammaGamma }, weeks, history, z);
    const f = forecastMove(ladder, 0, each(96_000), each(z), 'rolling_12_months', reach);
    const tail = purchaseTail(bgnbd, weeks, 10, 51, 52);
    expect(f.move).toBe(1);
    expect(f.to).toBe(1);
    expect(f.pUp).toBeCloseTo(reach(4_000 / z), 12);
    expect(f.pUp).toBeGreaterThan(0.5);
    expect(f.pUp).toBeLessThan(tail(1) - 0.1);
    expect(f.probability).toBe(f.pUp);
    // Count-only, the same member climbs with P(≥ 1 purchase).
    expect(
      forecastMove(ladder, 0, each(96_000), each(z), 'rolling_12_months', countReach(tail)).pUp,
    ).toBeCloseTo(tail(1), 12);
  });

  it('gives a member without repeat purchases the population spread, and nothing when a purchase adds nothing', () => {
    const gammaGamma = { p: 1.2, q: 4, gamma: 12_000 };
    const z = gammaGammaExpectedAverageSpend(gammaGamma, 0, 0);
    const reach = spreadReach({ bgnbd, gammaGamma }, weeks, { x: 0, tx: 0, T: 4, m: 0 }, z);
    const f = forecastMove(ladder, 0, each(96_000), each(z), 'rolling_12_months', reach);
    expect(f.pUp).toBeGreaterThan(0);
    expect(f.pUp).toBeLessThan(purchaseTail(bgnbd, weeks, 0, 0, 4)(1));
    const none = spreadReach({ bgnbd, gammaGamma }, weeks, { x: 0, tx: 0, T: 4, m: 0 }, 0);
    expect(forecastMove(ladder, 0, each(96_000), each(0), 'rolling_12_months', none).pUp).toBe(0);
  });

  it('does not predict that climb for a lapsed member with the same standing', () => {
    const tail = countReach(purchaseTail(bgnbd, weeks, 10, 12, 52));
    const f = forecastMove(ladder, 0, each(96_000), each(5_000), 'rolling_12_months', tail);
    expect(f.move).toBe(0);
    expect(f.pUp).toBeLessThan(0.5);
    expect(f.probability).toBe(f.pUp);
  });

  it('predicts a fall for a lapsed member far below the retain threshold', () => {
    // Holds Silver (retain 80,000) with 20,000 left in the window at the horizon: 12 purchases short.
    const tail = purchaseTail(bgnbd, weeks, 3, 5, 52);
    const f = forecastMove(ladder, 1, each(20_000), each(5_000), 'rolling_12_months', countReach(tail));
    expect(f).toMatchObject({ move: -1, to: 0 });
    expect(f.pDown).toBeCloseTo(1 - tail(12), 12);
    expect(f.pDown).toBeGreaterThan(0.99);
    expect(f.probability).toBe(f.pDown);
  });

  it('never predicts a fall while the base keeps the tier, or last calendar year does', () => {
    const tail = countReach(purchaseTail(bgnbd, weeks, 3, 5, 52));
    expect(forecastMove(ladder, 1, each(80_000), each(5_000), 'rolling_12_months', tail).pDown).toBe(0);
    const lastYear = { current: 1_000, previous: 90_000 };
    const f = forecastMove(ladder, 1, lastYear, each(5_000), 'calendar_year', tail);
    expect(f).toMatchObject({ move: 0, pDown: 0 });
  });

  it('names the highest tier reached with probability ≥ 0.5 on a multi-step climb, and is certain when the base already reaches it', () => {
    const tail = countReach(purchaseTail(bgnbd, weeks, 10, 51, 52));
    const f = forecastMove(ladder, 0, each(495_000), each(5_000), 'lifetime', tail);
    expect(f).toMatchObject({ move: 1, to: 2, pUp: 1, probability: 1 });
    const far = forecastMove(ladder, 0, each(100_000), each(5_000), 'lifetime', tail);
    expect(far).toMatchObject({ move: 1, to: 1, pUp: 1 });
  });

  it('needs whole purchases, exact multiples included, and none that add nothing', () => {
    expect(purchasesNeeded(100_000, 95_000, 5_000)).toBe(1);
    expect(purchasesNeeded(100_000, 95_000, 4_999)).toBe(2);
    expect(purchasesNeeded(0.3, 0.1, 0.1)).toBe(2);
    expect(purchasesNeeded(100_000, 100_000, 5_000)).toBe(0);
    expect(purchasesNeeded(100_000, 0, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps every probability in [0, 1], with P(up) + P(down) ≤ 1, across random members', () => {
    const rng = createRng(3);
    for (let n = 0; n < 300; n++) {
      const x = Math.floor(rng() * 30);
      const T = 1 + rng() * 60;
      const tx = x === 0 ? 0 : rng() * T;
      const history = { x, tx, T, m: 1_000 + rng() * 20_000 };
      const counted = countReach(purchaseTail(bgnbd, weeks, x, tx, T));
      const spread = spreadReach(
        { bgnbd, gammaGamma: { p: 1.2, q: 4, gamma: 12_000 } },
        weeks,
        history,
        5_000,
      );
      const tail = n % 2 === 0 ? counted : spread;
      const from = Math.floor(rng() * 3);
      const base = { current: rng() * 600_000, previous: rng() * 600_000 };
      const unit = rng() < 0.1 ? 0 : rng() * 50_000;
      const window = (['rolling_12_months', 'calendar_year', 'lifetime'] as const)[n % 3] ?? 'lifetime';
      const f = forecastMove(ladder, from, base, each(unit), window, tail);
      for (const p of [f.pUp, f.pDown, f.probability]) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
      expect(f.pUp + f.pDown).toBeLessThanOrEqual(1 + 1e-12);
      expect(Math.sign(f.to - from)).toBe(f.move);
    }
  });
});

describe('the forecast calibration', () => {
  it('scores probabilities by Brier and the base rate, and compares predicted with actual movers', () => {
    const moves = [1, 1, 0, 0, -1];
    const pUp = [0.9, 0.6, 0.2, 0.05, 0];
    const pDown = [0, 0, 0.1, 0.3, 0.8];
    const actual = [1, 0, 0, 1, -1];
    const c = moveCalibration(moves, pUp, pDown, actual);
    expect(c.up.brier).toBeCloseTo((0.01 + 0.36 + 0.04 + 0.9025 + 0) / 5, 12);
    expect(c.up.baseRateBrier).toBeCloseTo(0.4 * 0.6, 12);
    expect(c.up.predictedMovers).toEqual({ members: 2, meanProbability: 0.75, actualRate: 0.5 });
    expect(c.down.predictedMovers).toEqual({ members: 1, meanProbability: 0.8, actualRate: 1 });
    expect(c.up.reliability.map((b) => [b.from, b.members, b.actualRate])).toEqual([
      [0, 2, 0.5],
      [0.2, 1, 0],
      [0.6, 1, 0],
      [0.9, 1, 1],
    ]);
  });

  it('puts a probability of exactly 1 in the top tenth', () => {
    expect(reliability([1, 1], [1, 0])).toEqual([
      { from: 0.9, to: 1, members: 2, meanProbability: 1, actualRate: 0.5 },
    ]);
  });
});
