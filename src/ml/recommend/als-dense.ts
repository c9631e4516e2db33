// Small dense linear algebra for ALS fold-in: one k × k symmetric positive definite system per
// history, solved exactly by Cholesky (k³/3 flops, well under a millisecond for k = 64).

/** Factors a row-major k × k SPD matrix in place into its lower Cholesky factor L (A = L Lᵀ). */
export function choleskyInPlace(a: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    const jo = j * k;
    let d = a[jo + j]!;
    for (let p = 0; p < j; p++) d -= a[jo + p]! * a[jo + p]!;
    if (!(d > 0)) throw new Error('ALS fold-in: the system is not positive definite');
    const root = Math.sqrt(d);
    a[jo + j] = root;
    for (let i = j + 1; i < k; i++) {
      const io = i * k;
      let s = a[io + j]!;
      for (let p = 0; p < j; p++) s -= a[io + p]! * a[jo + p]!;
      a[io + j] = s / root;
    }
  }
}

/** Solves L Lᵀ x = b in place (b becomes x) with the factor from {@link choleskyInPlace}. */
export function choleskySolve(l: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    const io = i * k;
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= l[io + p]! * b[p]!;
    b[i] = s / l[io + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let p = i + 1; p < k; p++) s -= l[p * k + i]! * b[p]!;
    b[i] = s / l[i * k + i]!;
  }
}
