// @ts-nocheck: AssemblyScript, compiled to WebAssembly by asc (src/ml/linalg/wasm-build.ts), not by tsc.
//
// Kernels of the blocked symmetric sweep that inverts a symmetric positive-definite matrix in
// place (see wasm-kernels.ts for the driver). Matrices are row-major f32 with row stride `n`, a
// multiple of 8, so every vector loop runs over whole 8-float groups without tails. Each kernel
// takes a row range, so two threads sharing the memory can split a phase between them.

/** The first byte after the module's static data: the driver places its buffers from here. */
export function heapBase(): usize {
  return __heap_base;
}

function at(base: usize, row: i32, col: i32, stride: i32): usize {
  return base + ((<usize>row * <usize>stride + <usize>col) << 2);
}

/**
 * For rows [rowStart, rowEnd): gathers the panel column block A(i, k0..k0+nb) from the lower
 * triangle into vt (nb rows of stride n; zero for rows inside the block), then w(i, :) =
 * vt(:, i)ᵀ · d, the panel times the inverse d (nb × nb) of the diagonal block.
 */
export function packPanel(
  a: usize,
  n: i32,
  k0: i32,
  nb: i32,
  d: usize,
  vt: usize,
  w: usize,
  rowStart: i32,
  rowEnd: i32,
): void {
  const k1 = k0 + nb;
  for (let i = rowStart; i < rowEnd; i++) {
    for (let c = 0; c < nb; c++) {
      let value: f32 = 0;
      if (i < k0) value = load<f32>(at(a, k0 + c, i, n));
      else if (i >= k1) value = load<f32>(at(a, i, k0 + c, n));
      store<f32>(at(vt, c, i, n), value);
    }
    const wi = at(w, i, 0, nb);
    for (let c = 0; c < nb; c += 4) v128.store(wi + ((<usize>c) << 2), f32x4.splat(0));
    for (let k = 0; k < nb; k++) {
      const s = f32x4.splat(load<f32>(at(vt, k, i, n)));
      const dk = at(d, k, 0, nb);
      for (let c = 0; c < nb; c += 4) {
        const p = wi + ((<usize>c) << 2);
        v128.store(p, f32x4.add(v128.load(p), f32x4.mul(s, v128.load(dk + ((<usize>c) << 2)))));
      }
    }
  }
}

/**
 * The rank-nb update of the sweep on rows [rowStart, rowEnd) (multiples of 4): A(i, j) −=
 * Σ_k w(i, k) vt(k, j) for j ≤ i. Columns go in chunks that keep a slice of vt in cache; the
 * inner tile is 4 rows × 8 columns held in eight SIMD accumulators.
 */
export function updateLower(
  a: usize,
  n: i32,
  nb: i32,
  vt: usize,
  w: usize,
  rowStart: i32,
  rowEnd: i32,
): void {
  const chunk = 512;
  const lastColumn = rowEnd + 8 - (rowEnd & 7);
  for (let j0 = 0; j0 < lastColumn && j0 < n; j0 += chunk) {
    for (let i = rowStart; i < rowEnd; i += 4) {
      let jEnd = (i + 4 + 7) & ~7;
      if (jEnd > j0 + chunk) jEnd = j0 + chunk;
      if (jEnd > n) jEnd = n;
      for (let j = j0; j < jEnd; j += 8) updateTile(a, n, nb, vt, w, i, j);
    }
  }
}

function updateTile(a: usize, n: i32, nb: i32, vt: usize, w: usize, i: i32, j: i32): void {
  const rowBytes = (<usize>n) << 2;
  const c0 = at(a, i, j, n);
  const c1 = c0 + rowBytes;
  const c2 = c1 + rowBytes;
  const c3 = c2 + rowBytes;
  let a00 = v128.load(c0);
  let a01 = v128.load(c0, 16);
  let a10 = v128.load(c1);
  let a11 = v128.load(c1, 16);
  let a20 = v128.load(c2);
  let a21 = v128.load(c2, 16);
  let a30 = v128.load(c3);
  let a31 = v128.load(c3, 16);
  const wBytes = (<usize>nb) << 2;
  let pw = at(w, i, 0, nb);
  let pv = at(vt, 0, j, n);
  for (let k = 0; k < nb; k++) {
    const v0 = v128.load(pv);
    const v1 = v128.load(pv, 16);
    let s = v128.load32_splat(pw);
    a00 = f32x4.sub(a00, f32x4.mul(s, v0));
    a01 = f32x4.sub(a01, f32x4.mul(s, v1));
    s = v128.load32_splat(pw + wBytes);
    a10 = f32x4.sub(a10, f32x4.mul(s, v0));
    a11 = f32x4.sub(a11, f32x4.mul(s, v1));
    s = v128.load32_splat(pw + 2 * wBytes);
    a20 = f32x4.sub(a20, f32x4.mul(s, v0));
    a21 = f32x4.sub(a21, f32x4.mul(s, v1));
    s = v128.load32_splat(pw + 3 * wBytes);
    a30 = f32x4.sub(a30, f32x4.mul(s, v0));
    a31 = f32x4.sub(a31, f32x4.mul(s, v1));
    pw += 4;
    pv += rowBytes;
  }
  v128.store(c0, a00);
  v128.store(c0, a01, 16);
  v128.store(c1, a10);
  v128.store(c1, a11, 16);
  v128.store(c2, a20);
  v128.store(c2, a21, 16);
  v128.store(c3, a30);
  v128.store(c3, a31, 16);
}

/**
 * Writes the swept panel back for rows [rowStart, rowEnd): A(i, block) = w(i, :) outside the
 * block (into whichever triangle holds it) and −d inside it.
 */
export function writePanel(
  a: usize,
  n: i32,
  k0: i32,
  nb: i32,
  d: usize,
  w: usize,
  rowStart: i32,
  rowEnd: i32,
): void {
  const k1 = k0 + nb;
  for (let i = rowStart; i < rowEnd; i++) {
    for (let c = 0; c < nb; c++) {
      if (i < k0) store<f32>(at(a, k0 + c, i, n), load<f32>(at(w, i, c, nb)));
      else if (i >= k1) store<f32>(at(a, i, k0 + c, n), load<f32>(at(w, i, c, nb)));
      else store<f32>(at(a, i, k0 + c, n), -load<f32>(at(d, i - k0, c, nb)));
    }
  }
}

/**
 * For row tiles starting in [rowStart, rowEnd) (multiples of 32): negates the lower triangle and
 * copies it to the upper one, so the matrix is whole and symmetric again. Tiles keep both the
 * rows read and the columns written in cache.
 */
export function mirrorNegate(a: usize, n: i32, rowStart: i32, rowEnd: i32): void {
  const tile = 32;
  for (let i0 = rowStart; i0 < rowEnd; i0 += tile) {
    for (let j0 = 0; j0 <= i0; j0 += tile) {
      for (let i = i0; i < i0 + tile && i < n; i++) {
        const jEnd = min<i32>(j0 + tile, i);
        for (let j = j0; j < jEnd; j++) {
          const value = -load<f32>(at(a, i, j, n));
          store<f32>(at(a, i, j, n), value);
          store<f32>(at(a, j, i, n), value);
        }
        if (j0 === i0) store<f32>(at(a, i, i, n), -load<f32>(at(a, i, i, n)));
      }
    }
  }
}

/** For rows [rowStart, rowEnd): A(i, j) *= scale(j) over all n columns (n a multiple of 4). */
export function scaleColumns(a: usize, n: i32, scale: usize, rowStart: i32, rowEnd: i32): void {
  for (let i = rowStart; i < rowEnd; i++) {
    const row = at(a, i, 0, n);
    for (let j = 0; j < n; j += 4) {
      const p = row + ((<usize>j) << 2);
      v128.store(p, f32x4.mul(v128.load(p), v128.load(scale + ((<usize>j) << 2))));
    }
  }
}
