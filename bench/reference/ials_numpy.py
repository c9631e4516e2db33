"""Reference implicit ALS (Hu, Koren, Volinsky 2008) with the conjugate-gradient solver, numpy/scipy,
float32: the same algorithm as src/ml/recommend/als.ts, written for bench/recommend-als.bench.ts to
time beside ours on the same training matrix.

Every half-step re-solves all rows of one side against the fixed other side with `cg` CG steps
warm-started from the previous factors, batched over all rows (dense products through BLAS, the
per-pair terms through scipy.sparse):
  A_u = YᵀY + λI + Σ_i∈u (c_ui − 1) y_i y_iᵀ,  b_u = Σ_i∈u c_ui y_i,  c = 1 + α·w.

Input: a binary CSR of the user × item training matrix written by the bench (see --help), so both
implementations see exactly the same data. Output: one JSON line with seconds per iteration.
"""

import argparse
import json
import os
import time

import numpy as np
import scipy.sparse as sp


def load_csr(prefix, n_users, n_items):
    indptr = np.fromfile(f"{prefix}.indptr", dtype=np.int32)
    indices = np.fromfile(f"{prefix}.indices", dtype=np.int32)
    weights = np.fromfile(f"{prefix}.weights", dtype=np.float32)
    return sp.csr_matrix((weights, indices, indptr), shape=(n_users, n_items))


def row_dots(a, b):
    """Row-wise dot products of two (n × k) arrays."""
    return np.einsum("ij,ij->i", a, b)


def cg_half_step(x, y, conf, reg, steps):
    """CG steps for every row of x against fixed y; conf is the CSR of α·w (c − 1) with x's rows."""
    k = x.shape[1]
    gram = y.T @ y + reg * np.eye(k, dtype=np.float32)
    rows = np.repeat(np.arange(conf.shape[0], dtype=np.int32), np.diff(conf.indptr))
    cols = conf.indices
    extra = conf.data
    # The fixed side's rows for every pair, gathered once per half-step (nnz × k).
    y_pairs = y[cols]
    # r = b − A x = Σ (c − (c − 1) y·x) y − (YᵀY + λI) x
    pair = sp.csr_matrix(
        ((1 + extra) - extra * row_dots(x[rows], y_pairs), cols, conf.indptr), shape=conf.shape
    )
    r = pair @ y - x @ gram
    p = r.copy()
    rs = row_dots(r, r)
    for _ in range(steps):
        pair = sp.csr_matrix((extra * row_dots(p[rows], y_pairs), cols, conf.indptr), shape=conf.shape)
        ap = p @ gram + pair @ y
        pap = row_dots(p, ap)
        active = (rs > 1e-20) & (pap > 0)
        step = np.where(active, rs / np.where(active, pap, 1), 0).astype(np.float32)
        x += step[:, None] * p
        r -= step[:, None] * ap
        rs_new = row_dots(r, r)
        beta = np.where(active, rs_new / np.where(rs > 0, rs, 1), 0).astype(np.float32)
        p = r + beta[:, None] * p
        rs = rs_new
    return x


def objective(x, y, data, alpha, reg):
    """Σ c (p − x·y)² + λ(‖X‖² + ‖Y‖²) over all pairs, via ⟨XᵀX, YᵀY⟩ plus observed corrections."""
    coo = data.tocoo()
    s = row_dots(x[coo.row], y[coo.col]).astype(np.float64)
    c = 1 + alpha * coo.data.astype(np.float64)
    observed = float(np.sum(c * (1 - s) ** 2 - s**2))
    xx = x.astype(np.float64).T @ x.astype(np.float64)
    yy = y.astype(np.float64).T @ y.astype(np.float64)
    return observed + float(np.sum(xx * yy)) + reg * float(np.trace(xx) + np.trace(yy))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csr", required=True, help="prefix of PREFIX.indptr/.indices/.weights (int32, int32, float32)")
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--reg", type=float, default=10.0)
    parser.add_argument("--alpha", type=float, default=10.0)
    parser.add_argument("--cg", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data = load_csr(args.csr, args.users, args.items)
    conf_users = data.astype(np.float32) * np.float32(args.alpha)
    conf_items = conf_users.T.tocsr()
    rng = np.random.default_rng(args.seed)
    x = (rng.random((args.users, args.factors)) * 0.01).astype(np.float32)
    y = (rng.random((args.items, args.factors)) * 0.01).astype(np.float32)
    times = []
    cpu_times = []
    for _ in range(args.iterations):
        start = time.perf_counter()
        cpu_start = time.process_time()
        x = cg_half_step(x, y, conf_users, args.reg, args.cg)
        y = cg_half_step(y, x, conf_items, args.reg, args.cg)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    print(
        json.dumps(
            {
                "secondsPerIteration": float(np.median(times[1:] if len(times) > 1 else times)),
                "cpuSecondsPerIteration": float(np.median(cpu_times[1:] if len(cpu_times) > 1 else cpu_times)),
                "iterations": times,
                "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                "objective": objective(x, y, data, args.alpha, args.reg),
                "numpy": np.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
