// The numeric inner loops of implicit ALS, shared by the fitting thread and its workers. Everything
// works on flat row-major Float64Arrays (n × k) and allocates nothing: the caller passes scratch.
//
// Model (Hu, Koren, Volinsky 2008): preference p_ui = 1 for observed pairs, 0 otherwise, confidence
// c_ui = 1 + α·w_ui, objective Σ_ui c_ui (p_ui − x_u·y_i)² + λ(Σ‖x_u‖² + Σ‖y_i‖²). With the other
// side Y fixed, row u solves (YᵀY + λI + Σ_i∈u (c_ui − 1) y_i y_iᵀ) x_u = Σ_i∈u c_ui y_i; YᵀY is shared
// by every row, so a row costs k² plus its own items × k per product.

/** One side's sparse rows: observed items with `conf` = c − 1 = α·w (the part beyond the baseline 1). */
export interface ConfidenceRows {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly conf: Float32Array;
}

/** out = M·v for a k × k row-major M and v = vec[off .. off+k). Four rows at a time share each v load. */
export function matVec(m: Float64Array, vec: Float64Array, off: number, out: Float64Array, k: number): void {
  let a = 0;
  for (; a + 4 <= k; a += 4) {
    const o0 = a * k;
    const o1 = o0 + k;
    const o2 = o1 + k;
    const o3 = o2 + k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < k; j++) {
      const v = vec[off + j]!;
      s0 += m[o0 + j]! * v;
      s1 += m[o1 + j]! * v;
      s2 += m[o2 + j]! * v;
      s3 += m[o3 + j]! * v;
    }
    out[a] = s0;
    out[a + 1] = s1;
    out[a + 2] = s2;
    out[a + 3] = s3;
  }
  for (; a < k; a++) {
    const o = a * k;
    let s = 0;
    for (let j = 0; j < k; j++) s += m[o + j]! * vec[off + j]!;
    out[a] = s;
  }
}

/**
 * out1 = M·v1 and out2 = M·v2 in one sweep over M, so each load of M feeds two vectors (about 1.5×
 * the speed of two {@link matVec} calls); each output is summed in the same order as by matVec.
 */
export function matVecPair(
  m: Float64Array,
  v1: Float64Array,
  off1: number,
  v2: Float64Array,
  off2: number,
  out1: Float64Array,
  out2: Float64Array,
  k: number,
): void {
  let a = 0;
  for (; a + 4 <= k; a += 4) {
    const o0 = a * k;
    const o1 = o0 + k;
    const o2 = o1 + k;
    const o3 = o2 + k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let j = 0; j < k; j++) {
      const x = v1[off1 + j]!;
      const y = v2[off2 + j]!;
      const m0 = m[o0 + j]!;
      const m1 = m[o1 + j]!;
      const m2 = m[o2 + j]!;
      const m3 = m[o3 + j]!;
      s0 += m0 * x;
      s1 += m1 * x;
      s2 += m2 * x;
      s3 += m3 * x;
      t0 += m0 * y;
      t1 += m1 * y;
      t2 += m2 * y;
      t3 += m3 * y;
    }
    out1[a] = s0;
    out1[a + 1] = s1;
    out1[a + 2] = s2;
    out1[a + 3] = s3;
    out2[a] = t0;
    out2[a + 1] = t1;
    out2[a + 2] = t2;
    out2[a + 3] = t3;
  }
  for (; a < k; a++) {
    const o = a * k;
    let s = 0;
    let t = 0;
    for (let j = 0; j < k; j++) {
      s += m[o + j]! * v1[off1 + j]!;
      t += m[o + j]! * v2[off2 + j]!;
    }
    out1[a] = s;
    out2[a] = t;
  }
}

/** Dot product of rows: a[ao .. ao+k) · b[bo .. bo+k), with four partial sums to break the add chain. */
export function dotRows(a: Float64Array, ao: number, b: Float64Array, bo: number, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= k; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < k; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + s2 + s3;
}

/** Scratch of {@link solveRowsCg}: six k-vectors (two rows at a time). */
export function cgScratch(k: number): Float64Array {
  return new Float64Array(6 * k);
}

/** The per-pair part of A·v for row u: Σ_i∈u (c − 1)(y_i·v) y_i, added into `out`. */
function addPairTerms(
  fixed: Float64Array,
  rows: ConfidenceRows,
  u: number,
  v: Float64Array,
  out: Float64Array,
  k: number,
): void {
  const { indptr, indices, conf } = rows;
  for (let q = indptr[u]!; q < indptr[u + 1]!; q++) {
    const yo = indices[q]! * k;
    const coef = conf[q]! * dotRows(fixed, yo, v, 0, k);
    for (let j = 0; j < k; j++) out[j]! += coef * fixed[yo + j]!;
  }
}

/** r = b − A x for row u, where (YᵀY + λI) x is already in r. Returns r·r. */
function finishResidual(
  target: Float64Array,
  fixed: Float64Array,
  rows: ConfidenceRows,
  u: number,
  r: Float64Array,
  k: number,
): number {
  const { indptr, indices, conf } = rows;
  const xo = u * k;
  for (let j = 0; j < k; j++) r[j] = -r[j]!;
  for (let q = indptr[u]!; q < indptr[u + 1]!; q++) {
    const yo = indices[q]! * k;
    const extra = conf[q]!;
    const coef = 1 + extra - extra * dotRows(fixed, yo, target, xo, k);
    for (let j = 0; j < k; j++) r[j]! += coef * fixed[yo + j]!;
  }
  return dotRows(r, 0, r, 0, k);
}

/**
 * One CG step for row u given A·p in `ap`: x += a p, r −= a A p, p = r + β p. Returns the new r·r,
 * or −1 when the row has converged (and should take no more steps).
 */
function cgStep(
  target: Float64Array,
  u: number,
  r: Float64Array,
  p: Float64Array,
  ap: Float64Array,
  rs: number,
  k: number,
): number {
  const pap = dotRows(p, 0, ap, 0, k);
  if (!(pap > 0)) return -1;
  const a = rs / pap;
  const xo = u * k;
  for (let j = 0; j < k; j++) {
    target[xo + j]! += a * p[j]!;
    r[j]! -= a * ap[j]!;
  }
  const rsNew = dotRows(r, 0, r, 0, k);
  if (rsNew < CONVERGED) return -1;
  const beta = rsNew / rs;
  for (let j = 0; j < k; j++) p[j] = r[j]! + beta * p[j]!;
  return rsNew;
}

/** Squared residual norm below which a row counts as solved. */
const CONVERGED = 1e-20;

/**
 * Conjugate-gradient steps for rows [from, to) of `target`, each warm-started from its current
 * value: a few steps per iteration are enough because the previous solution is already close
 * (Takács, Pilászy, Tikk 2011; the `implicit` library's CG solver). `gram` is YᵀY + λI of `fixed`.
 * Rows go two at a time so the k² products with `gram` share its loads; each row's arithmetic is the
 * same as alone, so the result does not depend on how rows are paired.
 */
export function solveRowsCg(
  target: Float64Array,
  fixed: Float64Array,
  rows: ConfidenceRows,
  gram: Float64Array,
  k: number,
  steps: number,
  from: number,
  to: number,
  scratch: Float64Array,
): void {
  const r1 = scratch.subarray(0, k);
  const p1 = scratch.subarray(k, 2 * k);
  const ap1 = scratch.subarray(2 * k, 3 * k);
  const r2 = scratch.subarray(3 * k, 4 * k);
  const p2 = scratch.subarray(4 * k, 5 * k);
  const ap2 = scratch.subarray(5 * k, 6 * k);
  for (let u = from; u < to; u += 2) {
    const v = u + 1 < to ? u + 1 : -1;
    // A lone last row is paired with itself; only its first copy is used.
    matVecPair(gram, target, u * k, target, (v < 0 ? u : v) * k, r1, r2, k);
    let rs1 = finishResidual(target, fixed, rows, u, r1, k);
    let rs2 = v < 0 ? -1 : finishResidual(target, fixed, rows, v, r2, k);
    if (rs1 < CONVERGED) rs1 = -1;
    if (rs2 < CONVERGED) rs2 = -1;
    p1.set(r1);
    p2.set(r2);
    for (let step = 0; step < steps && (rs1 > 0 || rs2 > 0); step++) {
      matVecPair(gram, p1, 0, p2, 0, ap1, ap2, k);
      if (rs1 > 0) {
        addPairTerms(fixed, rows, u, p1, ap1, k);
        rs1 = cgStep(target, u, r1, p1, ap1, rs1, k);
      }
      if (rs2 > 0) {
        addPairTerms(fixed, rows, v, p2, ap2, k);
        rs2 = cgStep(target, v, r2, p2, ap2, rs2, k);
      }
    }
  }
}

/**
 * Adds the upper triangle of Σ f fᵀ over rows [from, to) of `factors` into `out[off .. off+k²)`.
 * Four rows at a time, so each accumulator is loaded and stored once per four rank-one updates.
 */
export function addGramUpper(
  factors: Float64Array,
  k: number,
  from: number,
  to: number,
  out: Float64Array,
  off: number,
): void {
  let r = from;
  for (; r + 4 <= to; r += 4) {
    const f0 = r * k;
    const f1 = f0 + k;
    const f2 = f1 + k;
    const f3 = f2 + k;
    for (let a = 0; a < k; a++) {
      const a0 = factors[f0 + a]!;
      const a1 = factors[f1 + a]!;
      const a2 = factors[f2 + a]!;
      const a3 = factors[f3 + a]!;
      const o = off + a * k;
      for (let b = a; b < k; b++) {
        out[o + b]! +=
          a0 * factors[f0 + b]! + a1 * factors[f1 + b]! + a2 * factors[f2 + b]! + a3 * factors[f3 + b]!;
      }
    }
  }
  for (; r < to; r++) {
    const f = r * k;
    for (let a = 0; a < k; a++) {
      const fa = factors[f + a]!;
      const o = off + a * k;
      for (let b = a; b < k; b++) out[o + b]! += fa * factors[f + b]!;
    }
  }
}

/** Copies the upper triangle of a k × k matrix to its lower triangle. */
export function symmetrize(m: Float64Array, k: number): void {
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) m[b * k + a] = m[a * k + b]!;
}

/**
 * The observed pairs' part of the objective for users [from, to): Σ c (1 − s)² − s² with s = x·y.
 * The rest, Σ over all pairs of s², is ⟨XᵀX, YᵀY⟩ (Frobenius), so the full loss never touches the
 * unobserved pairs.
 */
export function observedLoss(
  users: Float64Array,
  items: Float64Array,
  rows: ConfidenceRows,
  k: number,
  from: number,
  to: number,
): number {
  const { indptr, indices, conf } = rows;
  let sum = 0;
  for (let u = from; u < to; u++) {
    const xo = u * k;
    for (let q = indptr[u]!; q < indptr[u + 1]!; q++) {
      const s = dotRows(items, indices[q]! * k, users, xo, k);
      const e = 1 - s;
      sum += (1 + conf[q]!) * e * e - s * s;
    }
  }
  return sum;
}

/**
 * Splits rows 0..n into `parts` contiguous blocks of about equal solve cost (k + 2 × row length per
 * product), so dynamically claimed blocks finish at about the same time.
 */
export function splitByCost(indptr: Int32Array, n: number, k: number, parts: number): Int32Array {
  const count = Math.max(1, Math.min(parts, n));
  const bounds = new Int32Array(count + 1);
  const total = n * k + 2 * indptr[n]!;
  let block = 1;
  for (let r = 0; r < n && block < count; r++) {
    const done = (r + 1) * k + 2 * indptr[r + 1]!;
    if (done >= (total * block) / count) bounds[block++] = r + 1;
  }
  for (; block <= count; block++) bounds[block] = n;
  return bounds;
}
