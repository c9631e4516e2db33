/** Input checks shared by the calibrators. */

/** Checks paired scores and 0/1 labels; returns the class counts. */
export function checkPairs(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { positives: number; negatives: number } {
  if (scores.length !== labels.length)
    throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  if (scores.length === 0) throw new RangeError('calibration needs at least one (score, label) pair');
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new RangeError(`score ${i} is not finite`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${i} is not 0 or 1`);
    if (labels[i] === 1) positives++;
  }
  return { positives, negatives: scores.length - positives };
}
