"""Loads a `clnn train --save` checkpoint into the same nn.Sequential in PyTorch and reports its test accuracy.

Usage (from the repository root):
  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/scripts/check_checkpoint_in_pytorch.py --model mlp \
      --weights model.safetensors [--data data/mnist-10k]
"""
import argparse
import gzip
import os
import struct

import numpy as np
import torch

import safetensors_io as st
from check_step_against_pytorch import build


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic, count = struct.unpack(">II", raw[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw[16:], dtype=np.uint8).reshape(count, 1, rows, cols)
    return np.frombuffer(raw[8:], dtype=np.uint8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--weights", required=True)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "data", "mnist-10k"))
    args = parser.parse_args()
    model = build(args.model)
    state = {k: torch.tensor(v) for k, v in st.load(args.weights).items()}
    model.load_state_dict(state)  # strict: every name and shape must match, batch norm's buffers included
    model.eval()  # batch norm normalises with its running statistics
    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    x = torch.tensor(images)
    if isinstance(model[0], torch.nn.Linear):
        x = x.view(x.shape[0], -1)
    with torch.no_grad():
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor(labels)).item()
        accuracy = (logits.argmax(1).numpy() == labels).mean()
    print(f"PyTorch {torch.__version__}: {len(labels)} test samples, loss {loss:.4f}, accuracy {100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()
