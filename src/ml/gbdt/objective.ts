/** Loss functions: gradients and hessians of the loss with respect to the raw margin. */

export type Objective = 'binary:logistic' | 'reg:squarederror';

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Writes g and h for every row. Logistic: g = p − y, h = p(1 − p); squared error: g = m − y, h = 1. */
export function computeGradients(
  objective: Objective,
  margin: Float64Array,
  labels: Float64Array,
  grad: Float64Array,
  hess: Float64Array,
): void {
  if (objective === 'binary:logistic') {
    for (let i = 0; i < margin.length; i++) {
      const p = sigmoid(margin[i]!);
      grad[i] = p - labels[i]!;
      // A floor keeps leaf weights finite when every row in a leaf is confidently predicted.
      hess[i] = Math.max(p * (1 - p), 1e-16);
    }
  } else {
    for (let i = 0; i < margin.length; i++) {
      grad[i] = margin[i]! - labels[i]!;
      hess[i] = 1;
    }
  }
}

/** Starting margin: the log-odds of the positive rate, or the mean target. */
export function baseMargin(objective: Objective, labels: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += labels[i]!;
  const mean = labels.length > 0 ? sum / labels.length : 0;
  if (objective === 'reg:squarederror') return mean;
  const p = Math.min(Math.max(mean, 1e-6), 1 - 1e-6);
  return Math.log(p / (1 - p));
}
