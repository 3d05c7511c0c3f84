#!/usr/bin/env python3
"""Compares two safetensors weight files tensor by tensor: relative L2 difference ||a - b|| / ||a|| and the largest
absolute difference. Used to compare ./clnn-spark train with ./clnn train (docs/spark.md).

usage: benchmarks/scripts/compare_weights.py A.safetensors B.safetensors
"""
import sys

import numpy as np

from safetensors_io import load


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    a, b = load(sys.argv[1]), load(sys.argv[2])
    if a.keys() != b.keys():
        sys.exit(f"different tensors: {sorted(a)} vs {sorted(b)}")
    worst = 0.0
    for name in sorted(a):
        x, y = a[name].astype(np.float64), b[name].astype(np.float64)
        rel = np.linalg.norm(x - y) / max(np.linalg.norm(x), 1e-30)
        worst = max(worst, rel)
        print(f"{name:12s} {str(list(x.shape)):12s} relative L2 {rel:.2e}  max |diff| {np.abs(x - y).max():.2e}")
    print(f"largest relative L2 difference {worst:.2e}")


if __name__ == "__main__":
    main()
