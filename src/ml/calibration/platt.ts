/**
 * Platt scaling (Platt 1999): a score s becomes the probability σ(a·s + b). The two parameters
 * minimise the cross-entropy against Platt's smoothed targets — (N₊ + 1)/(N₊ + 2) for positives and
 * 1/(N₋ + 2) for negatives — which keep a and b finite on separable data and shrink small samples
 * toward the base rate. Solved by Newton's method with a backtracking line search and a tiny ridge
 * on the Hessian (the safeguards of Lin, Lin & Weng 2007), so it cannot diverge.
 */
import { checkPairs } from './pairs.ts';

export interface SerializedPlattCalibrator {
  format: 'membrain-platt';
  version: 1;
  a: number;
  b: number;
}

export interface PlattFitOptions {
  /** Newton iterations at most (default 100). */
  maxIterations?: number;
  /** Stop when both gradient components are below this times the number of pairs (default 1e-12). */
  tolerance?: number;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** σ(z) without overflow. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export class PlattCalibrator {
  constructor(
    readonly a: number,
    readonly b: number,
  ) {}

  /** Fits a and b on (score, label) pairs; labels are 0/1. */
  static fit(
    scores: ArrayLike<number>,
    labels: ArrayLike<number>,
    options: PlattFitOptions = {},
  ): PlattCalibrator {
    const { positives, negatives } = checkPairs(scores, labels);
    const maxIterations = options.maxIterations ?? 100;
    const tolerance = (options.tolerance ?? 1e-12) * scores.length;
    const highTarget = (positives + 1) / (positives + 2);
    const lowTarget = 1 / (negatives + 2);
    const n = scores.length;
    const target = (i: number) => (labels[i] === 1 ? highTarget : lowTarget);
    // Cross-entropy against the targets: Σ log(1 + e^z) − t·z with z = a·s + b.
    const objective = (a: number, b: number) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const z = a * scores[i]! + b;
        sum += softplus(z) - target(i) * z;
      }
      return sum;
    };

    let a = 0;
    // Start at the smoothed base rate, as Platt does.
    let b = Math.log((positives + 1) / (negatives + 1));
    let value = objective(a, b);
    for (let iteration = 0; iteration < maxIterations; iteration++) {
      let ga = 0;
      let gb = 0;
      let haa = 1e-12;
      let hab = 0;
      let hbb = 1e-12;
      for (let i = 0; i < n; i++) {
        const s = scores[i]!;
        const p = sigmoid(a * s + b);
        const r = p - target(i);
        const w = p * (1 - p);
        ga += r * s;
        gb += r;
        haa += w * s * s;
        hab += w * s;
        hbb += w;
      }
      if (Math.abs(ga) < tolerance && Math.abs(gb) < tolerance) break;
      // Newton direction −H⁻¹g for the 2×2 Hessian.
      const det = haa * hbb - hab * hab;
      const da = -(hbb * ga - hab * gb) / det;
      const db = -(haa * gb - hab * ga) / det;
      const slope = ga * da + gb * db;
      let step = 1;
      let accepted = false;
      while (step >= 1e-10) {
        const candidate = objective(a + step * da, b + step * db);
        if (candidate <= value + 1e-4 * step * slope) {
          a += step * da;
          b += step * db;
          value = candidate;
          accepted = true;
          break;
        }
        step /= 2;
      }
      if (!accepted) break; // at the minimum to rounding: no step decreases the objective
    }
    return new PlattCalibrator(a, b);
  }

  /** The calibrated probability σ(a·score + b). */
  predict(score: number): number {
    return sigmoid(this.a * score + this.b);
  }

  /** Calibrated probabilities of many scores. */
  predictAll(scores: ArrayLike<number>): Float64Array {
    return Float64Array.from({ length: scores.length }, (_, i) => this.predict(scores[i]!));
  }

  toJSON(): SerializedPlattCalibrator {
    return { format: 'membrain-platt', version: 1, a: this.a, b: this.b };
  }

  static fromJSON(json: SerializedPlattCalibrator): PlattCalibrator {
    if (json.format !== 'membrain-platt' || json.version !== 1)
      throw new Error('not a membrain-platt v1 model');
    if (!Number.isFinite(json.a) || !Number.isFinite(json.b))
      throw new Error('Platt parameters must be finite');
    return new PlattCalibrator(json.a, json.b);
  }
}
