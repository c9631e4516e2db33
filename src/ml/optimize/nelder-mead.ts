/**
 * Nelder–Mead simplex minimisation with restarts. Derivative-free, deterministic and robust to
 * the occasional infeasible point (an objective may return Infinity or NaN): what maximum
 * likelihood over 3–4 parameters needs.
 */

export interface NelderMeadOptions {
  /** Stop when every vertex lies within xTolerance of the best (max norm)… */
  xTolerance?: number;
  /** …and every vertex value lies within fTolerance of the best. */
  fTolerance?: number;
  maxIterations?: number;
  /** Initial simplex step along each axis. */
  initialStep?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

type Objective = (x: number[]) => number;

/** NaN counts as +Infinity, so the simplex moves away from infeasible points. */
function safe(f: Objective): Objective {
  return (x) => {
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
}

export function nelderMead(
  objective: Objective,
  start: number[],
  options: NelderMeadOptions = {},
): MinimizeResult {
  const f = safe(objective);
  const n = start.length;
  const xTol = options.xTolerance ?? 1e-10;
  const fTol = options.fTolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 500 * n;
  const step = options.initialStep ?? 0.1;
  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations++;
    return f(x);
  };

  const simplex: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const vertex = start.slice();
    vertex[i] =
      (vertex[i] as number) + (vertex[i] === 0 ? 0.00025 : step * Math.max(1, Math.abs(vertex[i] as number)));
    simplex.push(vertex);
  }
  let values = simplex.map(evaluate);
  const order = (): void => {
    const idx = simplex.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
    const s = idx.map((i) => simplex[i] as number[]);
    const v = idx.map((i) => values[i] as number);
    simplex.splice(0, simplex.length, ...s);
    values = v;
  };
  const along = (from: number[], to: number[], t: number): number[] =>
    from.map((fi, i) => fi + t * ((to[i] as number) - fi));

  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    order();
    const best = simplex[0] as number[];
    const bestValue = values[0] as number;
    let spreadX = 0;
    let spreadF = 0;
    for (let k = 1; k <= n; k++) {
      const v = simplex[k] as number[];
      for (let i = 0; i < n; i++)
        spreadX = Math.max(spreadX, Math.abs((v[i] as number) - (best[i] as number)));
      spreadF = Math.max(spreadF, Math.abs((values[k] as number) - bestValue));
    }
    if (Number.isFinite(bestValue) && spreadX <= xTol && spreadF <= fTol) {
      converged = true;
      break;
    }
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++)
      for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (simplex[k] as number[])[i]! / n;
    const worst = simplex[n] as number[];
    const worstValue = values[n] as number;
    const secondWorstValue = values[n - 1] as number;
    const reflected = along(centroid, worst, -1);
    const fr = evaluate(reflected);
    if (fr < bestValue) {
      const expanded = along(centroid, worst, -2);
      const fe = evaluate(expanded);
      if (fe < fr) {
        simplex[n] = expanded;
        values[n] = fe;
      } else {
        simplex[n] = reflected;
        values[n] = fr;
      }
      continue;
    }
    if (fr < secondWorstValue) {
      simplex[n] = reflected;
      values[n] = fr;
      continue;
    }
    // Contract outside (towards the reflected point) or inside (towards the worst).
    const outside = fr < worstValue;
    const contracted = along(centroid, worst, outside ? -0.5 : 0.5);
    const fc = evaluate(contracted);
    if (fc < (outside ? fr : worstValue)) {
      simplex[n] = contracted;
      values[n] = fc;
      continue;
    }
    for (let k = 1; k <= n; k++) {
      simplex[k] = along(best, simplex[k] as number[], 0.5);
      values[k] = evaluate(simplex[k] as number[]);
    }
  }
  order();
  return { x: simplex[0] as number[], value: values[0] as number, iterations, evaluations, converged };
}

export interface MultiStartOptions extends NelderMeadOptions {
  /** Restarts from each start's optimum until the value stops improving (at most this many). */
  maxRestarts?: number;
}

/**
 * Minimises from every start, restarting each run from its own optimum with a fresh simplex
 * (a collapsed simplex can stall short of the minimum), and returns the best result.
 */
export function minimizeMultiStart(
  objective: Objective,
  starts: number[][],
  options: MultiStartOptions = {},
): MinimizeResult {
  const maxRestarts = options.maxRestarts ?? 3;
  let best: MinimizeResult | undefined;
  for (const start of starts) {
    let result = nelderMead(objective, start, options);
    for (let r = 0; r < maxRestarts; r++) {
      const again = nelderMead(objective, result.x, options);
      const improved = result.value - again.value;
      const total = {
        ...again,
        iterations: result.iterations + again.iterations,
        evaluations: result.evaluations + again.evaluations,
      };
      result = again.value <= result.value ? total : result;
      if (!(improved > (options.fTolerance ?? 1e-12))) break;
    }
    if (!best || result.value < best.value) best = result;
  }
  if (!best) throw new Error('minimizeMultiStart needs at least one start');
  return best;
}

/**
 * Maximum likelihood over positive parameters: optimises u = log θ (so θ stays positive
 * without constraints) inside the box [lower, upper] on θ; points outside count as infeasible.
 */
export function maximizePositive(
  logLikelihood: (theta: number[]) => number,
  starts: number[][],
  options: MultiStartOptions & { lower?: number; upper?: number } = {},
): { theta: number[]; value: number; converged: boolean; evaluations: number } {
  const lower = Math.log(options.lower ?? 1e-8);
  const upper = Math.log(options.upper ?? 1e8);
  const objective = (u: number[]): number => {
    if (u.some((ui) => ui < lower || ui > upper)) return Number.POSITIVE_INFINITY;
    return -logLikelihood(u.map(Math.exp));
  };
  const result = minimizeMultiStart(
    objective,
    starts.map((s) => s.map(Math.log)),
    options,
  );
  return {
    theta: result.x.map(Math.exp),
    value: -result.value,
    converged: result.converged,
    evaluations: result.evaluations,
  };
}
