"""The spread of test R² over seeds for one mse recipe on diabetes, in clnn and in PyTorch.

Usage (from the repository root):
  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/scripts/mse_seed_spread.py [--seeds 8] [--device cpu]
Per seed s it prints a markdown row: clnn's R² (`clnn train --seed s`, its own --test-fraction 0.2 split), PyTorch float64's R² for
the same split, initial weights and shuffles (replayed with java_random.py), the same in float32, and PyTorch float64's R² with its own
seeded choices (numpy split, torch.manual_seed init, torch.randperm shuffles). The recipe is that of RUNS["mse"] in
check_training_against_pytorch.py with --standardize; a run whose loss became infinite or NaN shows nan.
"""
import argparse
import math
import os
import subprocess

import numpy as np
import torch

import java_random
from check_training_against_pytorch import ROOT, RUNS, build, read_table, standardization, standardize


def clnn_split(n, fraction, seed):
    """TabularSplit.split for float targets: a partial Fisher–Yates choice of round(n·f) test rows."""
    k = int(min(n - 1, max(1, math.floor(n * fraction + 0.5))))
    r = java_random.SplittableRandom(seed)
    rows, test = list(range(n)), np.zeros(n, bool)
    for i in range(k):
        j = i + r.next_int(n - i)
        rows[i], rows[j] = rows[j], rows[i]
        test[rows[i]] = True
    return np.flatnonzero(~test), np.flatnonzero(test)


def train(spec, x, y, xte, yte, lr0, momentum, epochs, batch, orders, init=None, dtype=torch.float64):
    """Test R², or nan when the loss became infinite or NaN."""
    model = build(spec).to(dtype)
    if init is not None:
        model.load_state_dict({k: torch.tensor(v).to(dtype) for k, v in init.items()})
    x, y = torch.tensor(x).to(dtype), torch.tensor(y).to(dtype)
    n = x.shape[0]
    spe = (n + batch - 1) // batch
    total = spe * epochs
    opt = torch.optim.SGD(model.parameters(), lr=lr0, momentum=momentum)
    t = 0
    for epoch in range(1, epochs + 1):
        order = orders(n, epoch)
        for b in range(spe):
            idx = order[b * batch:(b + 1) * batch]
            for g in opt.param_groups:
                g["lr"] = 0.5 * lr0 * (1 + math.cos(math.pi * t / total))
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x[idx]), y[idx])
            if not torch.isfinite(loss):
                return float("nan")
            loss.backward()
            opt.step()
            t += 1
    with torch.no_grad():
        out = model(torch.tensor(xte).to(dtype)).double().numpy()
    return 1 - ((out - yte) ** 2).sum() / ((yte - yte.mean()) ** 2).sum()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    path, column, spec, lr, momentum, epochs, batch = RUNS["mse"]
    _, x, y = read_table(os.path.join(ROOT, path), column)
    y = np.array([float(v) for v in y], np.float32)[:, None]
    torch.set_num_threads(1)
    rows = []
    print("| seed | clnn (float32) | torch float64, clnn's split/init/order | torch float32, same | "
          "torch float64, its own seeded choices |")
    print("|---|---|---|---|---|")
    for s in range(1, args.seeds + 1):
        out = subprocess.run([os.path.join(ROOT, "clnn"), "train", "--data", os.path.join(ROOT, path), "--target",
                              column, "--loss", "mse", "--lr", str(lr), "--momentum", str(momentum), "--epochs",
                              str(epochs), "--batch", str(batch), "--standardize", "--model", spec, "--seed", str(s),
                              "--device", args.device, "--quiet"], capture_output=True, text=True)
        r2_clnn = float(out.stdout.split("test r2")[1]) if out.returncode == 0 else float("nan")  # NaN: diverged
        tr, te = clnn_split(len(y), 0.2, s)
        mean, std = standardization(x[tr])
        from check_training_against_pytorch import replayed_initial_weights
        same, same32 = (train(spec, standardize(x[tr], mean, std), y[tr], standardize(x[te], mean, std), y[te], lr,
                              float(np.float32(momentum)), epochs, batch,
                              lambda n, e: torch.tensor(java_random.epoch_order(n, s, e)),
                              replayed_initial_weights(spec, s), dtype) for dtype in (torch.float64, torch.float32))
        perm = np.random.default_rng(s).permutation(len(y))
        te2, tr2 = perm[:round(0.2 * len(y))], perm[round(0.2 * len(y)):]
        mean, std = standardization(x[tr2])
        torch.manual_seed(s)
        gen = torch.Generator().manual_seed(s)
        own = train(spec, standardize(x[tr2], mean, std), y[tr2], standardize(x[te2], mean, std), y[te2], lr,
                    momentum, epochs, batch, lambda n, e: torch.randperm(n, generator=gen))
        rows.append((s, r2_clnn, same, same32, own))
        print(f"| {s} | {r2_clnn:.4f} | {same:.4f} | {same32:.4f} | {own:.4f} |")
    a = np.array(rows)[:, 1:]
    print("| mean ± std (finite runs) | " + " | ".join(
        f"{np.nanmean(c):.3f} ± {np.nanstd(c, ddof=1):.3f} ({int(np.isnan(c).sum())} diverged)" for c in a.T) + " |")


if __name__ == "__main__":
    main()
