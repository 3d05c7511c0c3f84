"""Peer figures for the performance table (benchmarks/RESULTS.md), measured the way clnn's `bench` measures (median of timed
repetitions after warm-up):
  numpy/OpenBLAS square GEMM, PyTorch CPU training steps of the W2 MLP (batch 256) and the `cnn` model (batch 64);
  `modern`: W2 with AdamW, and the W3 variant with BatchNorm after each convolution and dropout(0.25) before the
  classifier, with AdamW, in training mode.
Run: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/scripts/bench_peers.py
     (add `gemm`, `mlp`, `cnn` or `modern` to run only that part, which is quicker between clnn runs)
"""
import sys
import time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(2)


def median_seconds(fn, min_warmups=3, min_reps=7, warmup_seconds=1.0, timed_seconds=1.0):
    """clnn bench's scheme: warm-ups (at least 3, for at least 1 s), then timed repetitions (at least 7, for at
    least 1 s); the median of the timed ones."""
    start = time.perf_counter()
    done = 0
    while done < min_warmups or time.perf_counter() - start < warmup_seconds:
        fn()
        done += 1
    times = []
    while len(times) < min_reps or sum(times) < timed_seconds:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def gemm(n):
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    s = median_seconds(lambda: a @ b)
    print(f"numpy gemm {n}: {2 * n ** 3 / s / 1e9:.1f} GFLOP/s")


def train(name, model, x_shape, batch, steps=5, optimizer="sgd"):
    x = torch.rand((batch,) + x_shape)
    y = torch.randint(0, 10, (batch,))
    if optimizer == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=0.001)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
    model.train()
    crit = nn.CrossEntropyLoss()

    def run():
        for _ in range(steps):
            opt.zero_grad()
            loss = crit(model(x), y)
            loss.backward()
            opt.step()
            loss.item()

    s = median_seconds(run) / steps
    print(f"torch {torch.__version__} {name} {optimizer} batch {batch}: {batch / s:.0f} samples/s")


if __name__ == "__main__":
    # optional single part: "gemm", "mlp" or "cnn" (a short run beside a busy machine)
    part = sys.argv[1] if sys.argv[1:] else "all"
    if part in ("all", "gemm"):
        for n in (256, 512, 1024, 2048):
            gemm(n)
    if part in ("all", "mlp"):
        w2 = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
        train("W2 mlp 784-1024-1024-10", w2, (784,), 256)
    if part in ("all", "cnn"):
        cnn = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, 1, 1), nn.ReLU(),
                            nn.AvgPool2d(2), nn.Flatten(), nn.Linear(1568, 10))
        train("W3 cnn", cnn, (1, 28, 28), 64)
    if part in ("all", "modern"):
        w2 = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
        train("W2 mlp 784-1024-1024-10", w2, (784,), 256, optimizer="adamw")
        w3bn = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(16, 32, 3, 1, 1), nn.BatchNorm2d(32), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
                             nn.Dropout(0.25), nn.Linear(1568, 10))
        train("W3 cnn + batchnorm2d + dropout(0.25)", w3bn, (1, 28, 28), 64, optimizer="adamw")
