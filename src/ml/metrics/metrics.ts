/**
 * Binary-classification and regression metrics. Labels are 0/1; scores are any monotone score
 * (probability or margin). Tied scores are treated as one threshold everywhere, so a model that
 * outputs a constant gets AUC 0.5 rather than an order-dependent number.
 */

function countClasses(labels: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  return { positives, negatives: labels.length - positives };
}

/**
 * Walks thresholds from the highest score down, one step per distinct score, calling `visit` with
 * cumulative true and false positives after each tie group. The scores of each class are sorted
 * separately with the native numeric sort (much faster than sorting indices with a comparator,
 * which matters when the training curve logs AUC every round) and merged from the top.
 */
function sweep(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  visit: (tp: number, fp: number) => void,
): void {
  const { positives, negatives } = countClasses(labels);
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  let p = 0;
  let q = 0;
  for (let i = 0; i < labels.length; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
    if (labels[i] === 1) pos[p++] = scores[i]!;
    else neg[q++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // Walk both from the end (highest score first).
  let i = positives - 1;
  let j = negatives - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const score = Math.max(
      i >= 0 ? pos[i]! : Number.NEGATIVE_INFINITY,
      j >= 0 ? neg[j]! : Number.NEGATIVE_INFINITY,
    );
    while (i >= 0 && pos[i] === score) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === score) {
      fp++;
      j--;
    }
    visit(tp, fp);
  }
}

/**
 * ROC-AUC: the probability that a random positive scores above a random negative, ties counting
 * one half (trapezoidal area under the ROC curve, equal to Mann–Whitney U / (P·N)).
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { positives, negatives } = countClasses(labels);
  if (positives === 0 || negatives === 0) return Number.NaN;
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  sweep(labels, scores, (tp, fp) => {
    area += ((fp - prevFp) * (tp + prevTp)) / 2;
    prevTp = tp;
    prevFp = fp;
  });
  return area / (positives * negatives);
}

/**
 * PR-AUC as average precision (scikit-learn's definition): Σ (R_k − R_{k−1}) · P_k over distinct
 * score thresholds — a step function, no optimistic linear interpolation.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { positives } = countClasses(labels);
  if (positives === 0) return Number.NaN;
  let ap = 0;
  let prevTp = 0;
  sweep(labels, scores, (tp, fp) => {
    if (tp > prevTp) ap += ((tp - prevTp) / positives) * (tp / (tp + fp));
    prevTp = tp;
  });
  return ap;
}

/**
 * The largest recall reachable by a score threshold whose false-positive rate is at most
 * `maxFpr` (thresholds only at distinct scores: no interpolation inside a tie group).
 */
export function recallAtFpr(labels: ArrayLike<number>, scores: ArrayLike<number>, maxFpr: number): number {
  const { positives, negatives } = countClasses(labels);
  if (positives === 0 || negatives === 0) return Number.NaN;
  let best = 0;
  sweep(labels, scores, (tp, fp) => {
    if (fp / negatives <= maxFpr) best = Math.max(best, tp / positives);
  });
  return best;
}

/** Mean negative log-likelihood of 0/1 labels under probabilities clipped to [eps, 1 − eps]. */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>, eps = 1e-15): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, eps), 1 - eps);
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/** Root mean squared error. */
export function rmse(targets: ArrayLike<number>, predictions: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < targets.length; i++) {
    const d = predictions[i]! - targets[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum / targets.length);
}

function checkProbabilities(labels: ArrayLike<number>, probabilities: ArrayLike<number>): void {
  if (labels.length !== probabilities.length)
    throw new RangeError(`${labels.length} labels but ${probabilities.length} probabilities`);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    // Written so that NaN fails too.
    if (!(p >= 0 && p <= 1)) throw new RangeError(`probability ${i} is not in [0, 1]`);
  }
}

/**
 * Brier score: the mean squared difference between the 0/1 label and the predicted probability
 * (0 is perfect; always predicting the base rate π scores π(1 − π)). Rewards calibration and
 * sharpness together.
 */
export function brierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkProbabilities(labels, probabilities);
  if (labels.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = probabilities[i]! - (labels[i] === 1 ? 1 : 0);
    sum += d * d;
  }
  return sum / labels.length;
}

/**
 * Expected calibration error over `bins` equal-width probability bins of [0, 1] (a probability of
 * exactly 1 falls in the last bin): Σ_b (n_b / N) · |mean label in b − mean probability in b|.
 * 0 when, in every bin, the predicted probabilities average to the observed rate. Empty bins add
 * nothing. It depends on the binning, so compare models with the same `bins`.
 */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
): number {
  checkProbabilities(labels, probabilities);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError('bins must be an integer ≥ 1');
  if (labels.length === 0) return Number.NaN;
  const sumLabels = new Float64Array(bins);
  const sumProbabilities = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    sumLabels[b] = sumLabels[b]! + (labels[i] === 1 ? 1 : 0);
    sumProbabilities[b] = sumProbabilities[b]! + p;
  }
  let ece = 0;
  // n_b/N · |Σy/n_b − Σp/n_b| = |Σy − Σp| / N.
  for (let b = 0; b < bins; b++) ece += Math.abs(sumLabels[b]! - sumProbabilities[b]!);
  return ece / labels.length;
}
