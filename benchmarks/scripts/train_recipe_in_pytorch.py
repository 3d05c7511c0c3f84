"""Trains a clnn model SPEC in PyTorch with clnn's recipe on the bundled digits and prints its test accuracy, to put
beside `clnn train`'s result for the same model and recipe (PyTorch's own initialisation and shuffles: the runs are
compared by their result, not step by step).

Usage (from the repository root):
  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/scripts/train_recipe_in_pytorch.py \
      --model "conv(1,16,3,1,1),batchnorm2d(16),relu,..." --optimizer adamw --lr 0.001 --weight-decay 0.01 \
      --epochs 10 --batch 64 --seeds 1,2,3

The schedule is clnn's default: cosine annealing from --lr to 0 over every step of the run, stepped per batch.
"""
import argparse
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from check_checkpoint_in_pytorch import read_idx
from check_step_against_pytorch import build

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "mnist-10k")


def load(prefix):
    x = read_idx(os.path.join(DATA, prefix + "-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    y = read_idx(os.path.join(DATA, prefix + "-labels-idx1-ubyte.gz")).astype(np.int64)
    return torch.tensor(x), torch.tensor(y)


def optimiser(name, params, args):
    if name == "sgd":
        return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=args.lr, weight_decay=args.weight_decay)
    return torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)


def run(args, seed, train, test):
    torch.manual_seed(seed)
    model = build(args.model)
    flat = not args.model.startswith(("conv", "cnn"))  # an MLP takes the image as one row, as clnn gives it
    opt = optimiser(args.optimizer, model.parameters(), args)
    x, y = train
    steps = args.epochs * math.ceil(len(x) / args.batch)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    start = time.time()
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), args.batch):
            idx = order[i:i + args.batch]
            xb = x[idx].reshape(len(idx), -1) if flat else x[idx]
            loss = F.cross_entropy(model(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
    seconds = time.time() - start
    model.eval()
    tx, ty = test
    with torch.no_grad():
        logits = model(tx.reshape(len(tx), -1) if flat else tx)
    return float((logits.argmax(1) == ty).float().mean()) * 100, seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--optimizer", choices=["sgd", "adam", "adamw"], default="adamw")
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seeds", default="1,2,3")
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count())
    train, test = load("train"), load("t10k")
    results = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        accuracy, seconds = run(args, seed, train, test)
        results.append(accuracy)
        print(f"seed {seed}: test accuracy {accuracy:.2f}%  ({seconds:.0f} s)")
    print(f"median test accuracy {np.median(results):.2f}% over {len(results)} seeds")


if __name__ == "__main__":
    main()
