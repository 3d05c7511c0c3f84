"""Trains the same model with the same recipe in `clnn train` and in PyTorch (float64 and float32) and compares the
final weights and test figures, one run per loss: ce on iris, mse on diabetes, kl on iris with a teacher's soft
targets.

Usage (from the repository root, with Debian's python3-torch):
  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/scripts/check_training_against_pytorch.py \
      [--device cpu --device opencl:0:0] [--loss ce --loss mse --loss kl] [--seed 1]

What is held equal, so that only arithmetic differs:
- the split: the script splits each table (numpy, fixed seed) and gives clnn --data TRAIN.csv --test TEST.csv, with
  every value written as a float32 that parses back to the same bits (integer class labels 0..C-1);
- the standardization: clnn's --standardize, replayed here (per-feature mean and population std over the training
  rows summed in double and stored as float32, x' = float32((x - mean) / std) in double); the script checks its
  statistics against the standardize.mean/std that clnn saves beside the weights;
- the initial weights: those of `clnn step --lr 0 --seed S` (clnn's seeded initialisation, read back from its
  output), also recomputed here from a port of Java's SplittableRandom (java_random.py) and checked to be equal;
- the data order: clnn's per-epoch Fisher-Yates shuffle (BatchIterator, epochs numbered from 1), replayed with the
  same port; the last batch of an epoch holds the remainder, the loss is the mean over its rows;
- the recipe: SGD with momentum (PyTorch's SGD; clnn keeps momentum and the rate in float32, so the reference uses
  those float32 values), cosine annealing to 0 over all steps, evaluated per step t = 0, 1, ...

The band: each compared figure of clnn against torch float64 must be within
  max(FACTOR x (the same figure of torch float32 against torch float64), FLOOR)
FACTOR = 10 and FLOOR = 1e-5 for the weights' relative difference: both float32 runs round at 2^-24 = 6.0e-8 per
operation; a training run of N steps accumulates those roundings like a random walk (~sqrt(N) growth) and the
dynamics may amplify them, by the same amount for both float32 implementations, so clnn belongs within a small factor
of torch's float32 deviation; different summation orders (GEMM blocking, reductions) change the constant, not the
order of magnitude, hence 10. The floor covers runs where torch float32 is by chance very close: sqrt(N)·k·u with
N = 3600 steps, k = 32 terms per dot product and u = 6e-8 is 1.2e-4 as a bound; 1e-5 is a typical (sqrt(k)) value.
Test accuracy must be equal to torch float64's, or differ by at most one test row where torch float32 also differs;
R² and test loss are held to the same relative band as the weights.
The band is capped at CAP = 1e-3: a float32 run whose deviation exceeds that has left the float64 trajectory at a
ReLU gate flip (a pre-activation within float32 rounding of 0 takes the other sign, so one row's gradient through
one unit is dropped or kept), after which the runs separate; such a deviation is no yardstick for the arithmetic
(the table marks it "gate flip"). Were clnn to flip a gate, its run would be outside the band; rerun with another
--seed to tell a flip (an isolated jump) from a fault (every seed).
Prints a markdown table; exits non-zero when a figure is outside its band.
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn

import java_random
import safetensors_io as st
from check_step_against_pytorch import build

FACTOR = 10.0
FLOOR = 1e-5
CAP = 1e-3
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# loss: (data file, label or target column, model, lr, momentum, epochs, batch)
RUNS = {
    "ce": ("data/iris/iris.csv", "species", "linear(4,16),relu,linear(16,3)", 0.05, 0.9, 100, 16),
    "mse": ("data/diabetes/diabetes.csv", "progression", "linear(10,32),relu,linear(32,1)", 0.0005, 0.9, 300, 32),
    "kl": ("data/iris/iris.csv", "species", "linear(4,16),relu,linear(16,3)", 0.05, 0.9, 100, 16),
}
SPLIT_SEED = 2026
TEST_FRACTION = 0.2


def f32text(v):
    """A float32 as the shortest text that parses back to it (Java's Float.parseFloat included)."""
    return repr(float(np.float32(v))) if np.isfinite(v) else str(v)


def read_table(path, column):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    col = header.index(column)
    features = [h for i, h in enumerate(header) if i != col]
    x = np.array([[float(r[i]) for i in range(len(header)) if i != col] for r in body])
    y = [r[col] for r in body]
    return features, x.astype(np.float32), y


def write_csv(path, names, columns):
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for row in zip(*columns):
            f.write(",".join(v if isinstance(v, str) else f32text(v) for v in row) + "\n")


def standardization(x):
    """clnn's Standardization.fit and apply (see the module comment); x float32 (n, f)."""
    xd = x.astype(np.float64)
    n = x.shape[0]
    s = np.zeros(x.shape[1])
    for row in xd:  # sequential double sums, in row order, as the Java loop
        s += row
    centred = xd - s / n
    sq = np.zeros(x.shape[1])
    for row in centred:
        sq += row * row
    mean = (s / n).astype(np.float32)
    std = np.sqrt(sq / n).astype(np.float32)
    std[std == 0] = 1
    return mean, std


def standardize(x, mean, std):
    return ((x.astype(np.float64) - mean.astype(np.float64)) / std.astype(np.float64)).astype(np.float32)


def prepare(loss, tmp):
    """Writes train.csv and test.csv; returns the columns for clnn and the arrays for PyTorch."""
    path, column, *_ = RUNS[loss]
    features, x, y = read_table(os.path.join(ROOT, path), column)
    n = x.shape[0]
    perm = np.random.default_rng(SPLIT_SEED).permutation(n)
    n_test = int(round(n * TEST_FRACTION))
    test_idx, train_idx = np.sort(perm[:n_test]), np.sort(perm[n_test:])
    if loss == "mse":
        t = np.array([float(v) for v in y], dtype=np.float32)[:, None]
        target_names = [column]
    else:
        classes = sorted(set(y))
        labels = np.array([classes.index(v) for v in y])
        if loss == "ce":
            t = labels
            target_names = ["label"]
        else:
            # Teacher: softmax of a fixed random linear map of the standardized features (train statistics), so
            # the soft targets are smooth functions of x with some rows sharp and some flat.
            mean, std = standardization(x[train_idx])
            z = standardize(x, mean, std).astype(np.float64)
            w = np.random.default_rng(7).normal(0, 1.5, size=(x.shape[1], len(classes)))
            logits = z @ w
            p = np.exp(logits - logits.max(1, keepdims=True))
            t = (p / p.sum(1, keepdims=True)).astype(np.float32)
            target_names = [f"p{c}" for c in range(len(classes))]
    files = {}
    for part, idx in (("train", train_idx), ("test", test_idx)):
        tt = t[idx]
        cols = [x[idx, j] for j in range(x.shape[1])]
        if loss == "ce":
            cols.append([str(int(v)) for v in tt])
        else:
            cols += [tt[:, j] for j in range(tt.shape[1])]
        files[part] = os.path.join(tmp, f"{loss}-{part}.csv")
        write_csv(files[part], features + target_names, cols)
    # What clnn reads back: the float32 values just written.
    xtr, xte = x[train_idx], x[test_idx]
    mean, std = standardization(xtr)
    return dict(files=files, targets=target_names, mean=mean, std=std,
                xtr=standardize(xtr, mean, std), xte=standardize(xte, mean, std),
                ytr=t[train_idx], yte=t[test_idx])


def clnn_initial_weights(clnn, spec, loss, seed, features, outputs, tmp):
    """The seeded initial parameters: `clnn step --lr 0` leaves them as they were and writes them out."""
    b, o = os.path.join(tmp, "b.safetensors"), os.path.join(tmp, "o.safetensors")
    x = np.zeros((2, features), np.float32)
    y = np.zeros(2, np.int64) if loss == "ce" else np.full((2, outputs), 1.0 / outputs, np.float32)
    st.save(b, {"x": x, "y": y})
    subprocess.run([clnn, "step", "--model", spec, "--loss", loss, "--lr", "0", "--steps", "1", "--seed", str(seed),
                    "--batch", b, "--out", o, "--device", "cpu"], check=True, stdout=subprocess.DEVNULL)
    model = build(spec)
    names = [k for k, _ in model.named_parameters()]
    return {k: v for k, v in st.load(o).items() if k in names}


def replayed_initial_weights(spec, seed):
    """clnn's Models.build: one SplittableRandom(seed), each Linear's weight (row-major) then bias, each value
    float32(nextDouble(-1/sqrt(in), 1/sqrt(in)))."""
    r = java_random.SplittableRandom(seed)
    out = {}
    for name, mod in build(spec).named_children():
        if isinstance(mod, nn.Linear):
            bound = 1.0 / math.sqrt(mod.in_features)
            for pname, shape in (("weight", (mod.out_features, mod.in_features)), ("bias", (mod.out_features,))):
                vals = [r.next_double(-bound, bound) for _ in range(int(np.prod(shape)))]
                out[f"{name}.{pname}"] = np.array(vals, np.float32).reshape(shape)
    return out


def criterion(loss):
    if loss == "ce":
        return nn.CrossEntropyLoss()
    if loss == "mse":
        return nn.MSELoss()
    kl = nn.KLDivLoss(reduction="batchmean")
    return lambda out, p: kl(torch.log_softmax(out, 1), p)


def torch_train(spec, loss, init, d, lr0, momentum, epochs, batch, seed, dtype):
    model = build(spec).to(dtype)
    model.load_state_dict({k: torch.tensor(v).to(dtype) for k, v in init.items()})
    x = torch.tensor(d["xtr"]).to(dtype)
    y = torch.tensor(d["ytr"]) if loss == "ce" else torch.tensor(d["ytr"]).to(dtype)
    n = x.shape[0]
    steps_per_epoch = (n + batch - 1) // batch
    total = steps_per_epoch * epochs
    m32 = float(np.float32(momentum))
    opt = torch.optim.SGD(model.parameters(), lr=lr0, momentum=m32)
    crit = criterion(loss)
    t = 0
    for epoch in range(1, epochs + 1):
        order = torch.tensor(java_random.epoch_order(n, seed, epoch))
        for b in range(steps_per_epoch):
            idx = order[b * batch:(b + 1) * batch]
            lr = 0.5 * lr0 * (1 + math.cos(math.pi * t / total))  # CosineLr, η_min = 0
            for g in opt.param_groups:
                g["lr"] = float(np.float32(lr))
            opt.zero_grad()
            crit(model(x[idx]), y[idx]).backward()
            opt.step()
            t += 1
    return {k: v.detach().double().numpy() for k, v in model.state_dict().items()}


def evaluate(spec, loss, weights, d):
    """Test loss and accuracy or R², in float64 from the given weights."""
    model = build(spec).double()
    model.load_state_dict({k: torch.tensor(np.asarray(v, np.float64)) for k, v in weights.items()})
    x = torch.tensor(d["xte"]).double()
    with torch.no_grad():
        out = model(x)
        if loss == "ce":
            y = torch.tensor(d["yte"])
            return float(criterion(loss)(out, y)), float((out.argmax(1) == y).double().mean())
        y = torch.tensor(d["yte"]).double()
        value = float(criterion(loss)(out, y))
        if loss == "kl":
            return value, float((out.argmax(1) == y.argmax(1)).double().mean())
        res = ((out - y) ** 2).sum(0)
        tot = ((y - y.mean(0)) ** 2).sum(0)
        return value, float((1 - res / tot).mean())


def rel(a, b):
    """Largest per-tensor relative L2 difference ||a - b|| / ||b||."""
    return max(float(np.linalg.norm(np.asarray(a[k], np.float64) - b[k]) / max(np.linalg.norm(b[k]), 1e-30))
               for k in b)


def clnn_train(clnn, device, loss, d, seed, tmp):
    path, column, spec, lr, momentum, epochs, batch = RUNS[loss]
    save, metrics = os.path.join(tmp, f"{loss}-w.safetensors"), os.path.join(tmp, f"{loss}-m.csv")
    cmd = [clnn, "train", "--data", d["files"]["train"], "--test", d["files"]["test"], "--loss", loss,
           "--model", spec, "--epochs", str(epochs), "--batch", str(batch), "--lr", str(lr), "--momentum",
           str(momentum), "--schedule", "cosine", "--seed", str(seed), "--standardize", "--save", save,
           "--metrics", metrics, "--quiet", "--device", device]
    cmd += ["--label", "label"] if loss == "ce" else ["--target", ",".join(d["targets"])]
    start = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = time.time() - start
    saved = st.load(save)
    with open(metrics) as f:
        last = list(csv.DictReader(f))[-1]
    reported = {k[5:]: float(v) for k, v in last.items() if k.startswith("test_") and v != ""}
    return saved, reported, seconds, " ".join(cmd[1:])


def check(loss, device, clnn, seed, tmp):
    path, column, spec, lr, momentum, epochs, batch = RUNS[loss]
    d = prepare(loss, tmp)
    outputs = 3 if loss != "mse" else 1
    init = clnn_initial_weights(clnn, spec, loss, seed, d["xtr"].shape[1], outputs, tmp)
    replay = replayed_initial_weights(spec, seed)
    assert init.keys() == replay.keys() and all(np.array_equal(init[k], replay[k]) for k in init), \
        "the replayed initialisation differs from clnn's"
    saved, reported, seconds, cmd = clnn_train(clnn, device, loss, d, seed, tmp)
    assert np.array_equal(saved["standardize.mean"], d["mean"]) and np.array_equal(saved["standardize.std"], d["std"]), \
        "the replayed standardization differs from clnn's"
    got = {k: saved[k] for k in init}
    w64 = torch_train(spec, loss, init, d, lr, momentum, epochs, batch, seed, torch.float64)
    w32 = torch_train(spec, loss, init, d, lr, momentum, epochs, batch, seed, torch.float32)
    dev_clnn, dev_32 = rel(got, w64), rel(w32, w64)
    e_clnn, e64, e32 = (evaluate(spec, loss, w, d) for w in (got, w64, w32))
    band = min(max(FACTOR * dev_32, FLOOR), CAP)
    ok = dev_clnn <= band
    second = "r2" if loss == "mse" else "accuracy"
    loss_band = min(max(FACTOR * abs(e32[0] - e64[0]) / abs(e64[0]), FLOOR), CAP)
    ok &= abs(e_clnn[0] - e64[0]) / abs(e64[0]) <= loss_band
    if loss == "mse":
        ok &= abs(e_clnn[1] - e64[1]) <= min(max(FACTOR * abs(e32[1] - e64[1]), FLOOR), CAP)
    else:
        rows = len(d["yte"])
        ok &= round(abs(e_clnn[1] - e64[1]) * rows) <= max(round(abs(e32[1] - e64[1]) * rows), 0 if
                                                            e32[1] == e64[1] else 1)
    steps = (len(d["ytr"]) + batch - 1) // batch * epochs
    return dict(loss=loss, device=device, steps=steps, dev_clnn=dev_clnn, dev_32=dev_32, band=band, ok=ok,
                second=second, clnn_reported=(reported["loss"], reported[second]), clnn=e_clnn, t64=e64, t32=e32,
                seconds=seconds, cmd=cmd)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", action="append", default=None)
    parser.add_argument("--loss", action="append", default=None, choices=sorted(RUNS))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    devices = args.device or ["cpu", "opencl"]
    losses = args.loss or ["ce", "mse", "kl"]
    clnn = os.path.join(ROOT, "clnn")
    torch.set_num_threads(1)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for device in devices:
            for loss in losses:
                r = check(loss, device, clnn, args.seed, tmp)
                results.append(r)
                print(f"# {r['cmd']}  ({r['seconds']:.1f} s)", file=sys.stderr)
    print("| loss | device | steps | max rel. weight diff clnn vs torch64 | torch32 vs torch64 | band "
          "| test loss clnn (reported / from weights) | torch64 | torch32 | test acc. or R² clnn | torch64 | torch32 "
          "| |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        second = (lambda v: f"{100 * v:.2f}%") if r["second"] == "accuracy" else (lambda v: f"R² {v:.6f}")
        print(f"| {r['loss']} | {r['device']} | {r['steps']} | {r['dev_clnn']:.2e} | {r['dev_32']:.2e} "
              f"| {r['band']:.1e} | {r['clnn_reported'][0]:.6g} / {r['clnn'][0]:.8g} | {r['t64'][0]:.8g} "
              f"| {r['t32'][0]:.8g} | {second(r['clnn'][1])} | {second(r['t64'][1])} | {second(r['t32'][1])} "
              f"| {'ok' if r['ok'] else 'OUTSIDE'}{' (torch32: gate flip)' if r['dev_32'] > CAP else ''} |")
    all_ok = all(r["ok"] for r in results)
    print("all runs within their bands" if all_ok else "SOME RUNS OUTSIDE THEIR BANDS")
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
