// How well the tier forecast's probabilities match what happened in the backtest: Brier scores
// (beside the base rate's), predicted against actual among the members predicted to move, and a
// reliability table. Pure functions over the backtest's columns.

const BINS = 10;

/** Brier score of probabilities against 0/1 outcomes, and the Brier of the base rate given to all. */
export function brierScore(p: ArrayLike<number>, outcome: ArrayLike<number>) {
  let sum = 0;
  let hits = 0;
  for (let i = 0; i < p.length; i++) {
    const y = outcome[i] as number;
    sum += ((p[i] as number) - y) ** 2;
    hits += y;
  }
  const rate = p.length > 0 ? hits / p.length : 0;
  return { brier: p.length > 0 ? sum / p.length : null, baseRateBrier: rate * (1 - rate) };
}

/**
 * Members by predicted probability in tenths ([0, 0.1), …, [0.9, 1]): how many, their mean
 * probability and the share for whom it happened. Empty tenths are left out.
 */
export function reliability(p: ArrayLike<number>, outcome: ArrayLike<number>) {
  const n = new Array<number>(BINS).fill(0);
  const sum = new Array<number>(BINS).fill(0);
  const hits = new Array<number>(BINS).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(BINS - 1, Math.floor((p[i] as number) * BINS));
    n[b] = (n[b] as number) + 1;
    sum[b] = (sum[b] as number) + (p[i] as number);
    hits[b] = (hits[b] as number) + (outcome[i] as number);
  }
  return n.flatMap((members, b) =>
    members === 0
      ? []
      : [
          {
            from: b / BINS,
            to: (b + 1) / BINS,
            members,
            meanProbability: (sum[b] as number) / members,
            actualRate: (hits[b] as number) / members,
          },
        ],
  );
}

/** One direction (+1 up, −1 down): Brier, reliability, and predicted vs actual among predicted movers. */
function direction(moves: ArrayLike<number>, p: ArrayLike<number>, actual: ArrayLike<number>, sign: number) {
  const outcome = Array.from(actual, (a) => (a === sign ? 1 : 0));
  let members = 0;
  let sum = 0;
  let right = 0;
  for (let i = 0; i < moves.length; i++) {
    if (moves[i] !== sign) continue;
    members++;
    sum += p[i] as number;
    right += outcome[i] as number;
  }
  return {
    ...brierScore(p, outcome),
    predictedMovers: {
      members,
      meanProbability: members > 0 ? sum / members : null,
      actualRate: members > 0 ? right / members : null,
    },
    reliability: reliability(p, outcome),
  };
}

/** Calibration of P(up) and P(down) against the actual moves (−1/0/1) of the backtest. */
export function moveCalibration(
  moves: ArrayLike<number>,
  pUp: ArrayLike<number>,
  pDown: ArrayLike<number>,
  actual: ArrayLike<number>,
) {
  return { up: direction(moves, pUp, actual, 1), down: direction(moves, pDown, actual, -1) };
}
