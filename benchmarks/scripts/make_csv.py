#!/usr/bin/env python3
"""Writes a synthetic CSV for timing CsvTable.read: ROWS rows of FEATURES random floats (f0..f{n-1}) and an
integer label column "label" in [0, 10). Usage: make_csv.py OUT.csv [ROWS] [FEATURES]. Seeded, so reproducible."""
import random
import sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
features = int(sys.argv[3]) if len(sys.argv) > 3 else 50
rng = random.Random(42)
with open(out, "w", newline="") as f:
    f.write(",".join([f"f{j}" for j in range(features)] + ["label"]) + "\n")
    for r in range(rows):
        cells = ["%.6g" % rng.uniform(-10, 10) for _ in range(features)]
        cells.append(str(rng.randrange(10)))
        f.write(",".join(cells) + "\n")
