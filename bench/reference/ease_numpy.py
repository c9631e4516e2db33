"""Times numpy's inverse of the EASE Gram matrix that bench/recommend-ease.bench.ts wrote.

Usage: python3 bench/reference/ease_numpy.py GRAM.f32 N
GRAM.f32 holds the full symmetric N x N float32 matrix XᵀX + λI, row-major. Prints one JSON line:
the seconds (wall and CPU of all threads) of np.linalg.inv (LAPACK getrf + getri through
OpenBLAS, all cores), on float32 and,
when it fits comfortably in memory, float64, with max |A·A⁻¹ − I| on a few rows.
"""

import json
import sys
import time

import numpy as np


def timed_inverse(a):
    start, cpu_start = time.perf_counter(), time.process_time()
    inverse = np.linalg.inv(a)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rows = slice(0, min(64, a.shape[0]))
    residual = np.abs(a[rows] @ inverse - np.eye(a.shape[0], dtype=a.dtype)[rows]).max()
    return seconds, cpu, float(residual)


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    gram = np.fromfile(path, dtype=np.float32).reshape(n, n)
    result = {"n": n, "numpy": np.__version__}
    result["f32_seconds"], result["f32_cpu_seconds"], result["f32_residual"] = timed_inverse(gram)
    if n <= 16_000:
        f64 = timed_inverse(gram.astype(np.float64))
        result["f64_seconds"], result["f64_cpu_seconds"], result["f64_residual"] = f64
    print(json.dumps(result))


if __name__ == "__main__":
    main()
