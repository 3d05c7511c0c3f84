"""Trains a model with batch norm in clnn, loads the saved weights into PyTorch with strict=True and compares the
evaluation-mode outputs with `clnn predict`.

Usage (from the repository root, after `mvn -o -q package -DskipTests`):
  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/scripts/check_batchnorm_checkpoint.py [--device cpu|opencl]
Exits non-zero when PyTorch refuses the file, num_batches_tracked is not the number of steps, or a softmax
probability differs by more than 2e-5 (predict prints 6 significant digits, 5e-7 for p <= 1, and the float32
forward passes differ by a few 1e-7).
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

import safetensors_io as st
from check_checkpoint_in_pytorch import read_idx
from check_step_against_pytorch import build

MODELS = [
    "conv(1,6,3,1,1),batchnorm2d(6),relu,maxpool(2),flatten,linear(1176,32),batchnorm1d(32),relu,linear(32,10)",
    "linear(784,64),batchnorm1d(64),relu,linear(64,10)",
]
PROB_LIMIT = 2e-5


def check(spec, device, clnn, data, tmp):
    w = os.path.join(tmp, "w.safetensors")
    p = os.path.join(tmp, "p.csv")
    batch, epochs = 64, 1
    subprocess.run([clnn, "train", "--model", spec, "--data", data, "--epochs", str(epochs), "--batch", str(batch),
                    "--lr", "0.05", "--device", device, "--save", w, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([clnn, "predict", "--model", spec, "--weights", w, "--data", data, "--device", device,
                    "--out", p], check=True, stdout=subprocess.DEVNULL)
    model = build(spec)
    state = {k: torch.tensor(v) for k, v in st.load(w).items() if k[0].isdigit()}
    model.load_state_dict(state, strict=True)
    model.eval()  # batch norm: the running statistics
    images = read_idx(os.path.join(data, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    x = torch.tensor(images)
    if isinstance(model[0], torch.nn.Linear):
        x = x.view(x.shape[0], -1)
    with torch.no_grad():
        probs = torch.softmax(model(x), 1).numpy()
    with open(p) as f:
        rows = list(csv.reader(f))[1:]
    got = np.array([[float(v) for v in r[1:]] for r in rows])
    worst = float(np.abs(got - probs).max())
    agree = float((np.array([int(r[0]) for r in rows]) == probs.argmax(1)).mean())
    counts = {k: int(v) for k, v in state.items() if k.endswith("num_batches_tracked")}
    steps = epochs * -(-8000 // batch)
    ok = worst <= PROB_LIMIT and all(c == steps for c in counts.values())
    print(f"{device:7s} {spec[:60]:60s} strict load ok, num_batches_tracked {sorted(set(counts.values()))} of {steps} steps, "
          f"max |p diff| {worst:.2e}, argmax agree {100 * agree:.2f}%  {'ok' if ok else 'FAIL'}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", action="append", default=None)
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    clnn = os.path.join(root, "clnn")
    data = os.path.join(root, "data", "mnist-10k")
    all_ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for device in args.device or ["cpu", "opencl"]:
            for spec in MODELS:
                all_ok &= check(spec, device, clnn, data, tmp)
    print("all checks passed" if all_ok else "SOME CHECKS FAILED")
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
