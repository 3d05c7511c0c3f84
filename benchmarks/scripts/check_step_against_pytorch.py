"""Runs `clnn step` on random weights and batches and compares every output with PyTorch in float64.

Usage (from the repository root, with Debian's python3-torch):
  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/scripts/check_step_against_pytorch.py [--device cpu|opencl ...]
A device value with a comma is a list for `clnn step --devices`, e.g. --device opencl:0:0,opencl:0:1 (data-parallel).
Prints one line per case and exits non-zero when any relative error exceeds its limits:
1e-4 for loss, output and gradients, 1e-5 for the updated parameters and buffers (batch norm's running statistics
and num_batches_tracked after the K steps).
PyTorch cannot draw clnn's Philox masks, so for a SPEC with dropout(p) the reference applies the masks clnn wrote
(`dropout.{i}.mask`, one per step) through MaskedDropout: the same inverted dropout, on the same elements.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn

import safetensors_io as st

GRAD_LIMIT = 1e-4
PARAM_LIMIT = 1e-5

# (name, SPEC, input shape, loss, lr, momentum, nesterov, weight decay, steps[, Adam options])
# Adam options: optimizer "adam" or "adamw", and optionally betas, eps and amsgrad (PyTorch's defaults otherwise).
CASES = [
    ("mlp-odd plain", "linear(13,7),relu,linear(7,5)", (9, 13), "ce", 0.1, 0.0, False, 0.0, 1),
    ("mlp-odd momentum", "linear(13,7),relu,linear(7,5)", (9, 13), "ce", 0.1, 0.9, False, 0.0, 3),
    ("mlp-odd nesterov+wd", "linear(31,17),relu,linear(17,11),relu,linear(11,3)", (5, 31), "ce", 0.05, 0.9,
     True, 1e-2, 4),
    ("mlp-odd wd only", "linear(29,1),relu,linear(1,7)", (1, 29), "ce", 0.2, 0.0, False, 5e-3, 2),
    ("mlp mse momentum", "linear(11,13),relu,linear(13,3)", (7, 11), "mse", 0.05, 0.5, False, 1e-3, 3),
    ("mnist-mlp", "mlp", (16, 784), "ce", 0.05, 0.9, True, 5e-4, 2),
    ("mlp kl plain", "linear(13,7),relu,linear(7,5)", (9, 13), "kl", 0.1, 0.0, False, 0.0, 1),
    ("mlp kl momentum", "linear(13,7),relu,linear(7,5)", (9, 13), "kl", 0.1, 0.9, False, 1e-3, 3),
    ("mlp kl nesterov+wd", "linear(31,17),relu,linear(17,11),relu,linear(11,3)", (5, 31), "kl", 0.05, 0.9,
     True, 1e-2, 4),
    ("mlp-odd adam", "linear(13,7),relu,linear(7,5)", (9, 13), "ce", 1e-2, 0.0, False, 0.0, 4,
     {"optimizer": "adam"}),
    ("mlp-odd adam l2", "linear(31,17),relu,linear(17,11),relu,linear(11,3)", (5, 31), "ce", 1e-2, 0.0, False,
     1e-2, 5, {"optimizer": "adam", "betas": (0.8, 0.99), "eps": 1e-6}),
    ("mlp-odd adamw", "linear(31,17),relu,linear(17,11),relu,linear(11,3)", (5, 31), "ce", 1e-2, 0.0, False,
     5e-2, 5, {"optimizer": "adamw"}),
    ("mlp mse adamw amsgrad", "linear(11,13),relu,linear(13,3)", (7, 11), "mse", 5e-3, 0.0, False, 1e-2, 6,
     {"optimizer": "adamw", "amsgrad": True}),
    ("mlp kl adam amsgrad", "linear(13,7),relu,linear(7,5)", (9, 13), "kl", 1e-2, 0.0, False, 1e-3, 4,
     {"optimizer": "adam", "amsgrad": True, "betas": (0.5, 0.9)}),
    ("mnist-mlp adamw", "mlp", (16, 784), "ce", 1e-3, 0.0, False, 1e-2, 3, {"optimizer": "adamw"}),
    ("mlp dropout momentum", "linear(13,7),relu,dropout(0.3),linear(7,5)", (9, 13), "ce", 0.1, 0.9, False, 0.0, 3),
    ("mlp two dropouts mse", "dropout(0.2),linear(31,17),relu,dropout(0.5),linear(17,11),relu,linear(11,3)",
     (5, 31), "mse", 0.05, 0.9, True, 1e-2, 2),
    ("mnist-mlp dropout", "linear(784,512),relu,dropout(0.5),linear(512,256),relu,dropout(0.5),linear(256,10)",
     (16, 784), "ce", 0.05, 0.9, True, 5e-4, 2),
    ("mlp batchnorm1d", "linear(13,7),batchnorm1d(7),relu,linear(7,5)", (9, 13), "ce", 0.1, 0.9, False, 1e-3, 3),
    ("mlp batchnorm1d n=2", "linear(11,300),batchnorm1d(300),relu,linear(300,3)", (2, 11), "mse", 0.05, 0.0,
     False, 0.0, 2),
]

# Gradient clipping (--clip-grad-norm, torch.nn.utils.clip_grad_norm_ before each step): the cases above with an
# tenth entry, the limit, and an eleventh, whether the gradient norm exceeds it at every step (True) or at none.
CLIP_CASES = [
    ("mlp clipped momentum", "linear(13,7),relu,linear(7,5)", (9, 13), "ce", 0.1, 0.9, False, 0.0, 3, 0.05, True),
    ("mlp clip not reached", "linear(13,7),relu,linear(7,5)", (9, 13), "ce", 0.1, 0.9, False, 0.0, 3, 100.0, False),
    ("mlp mse clipped+wd", "linear(11,13),relu,linear(13,3)", (7, 11), "mse", 0.05, 0.5, True, 1e-3, 4, 0.02, True),
]


class MaskedDropout(nn.Module):
    """Inverted dropout with given masks: x * mask[step] / (1 - p), the masks (K, N, ...) read from clnn's output."""

    def __init__(self, p):
        super().__init__()
        self.p = p
        self.masks = None
        self.step = 0

    def forward(self, x):
        if self.masks is None:  # only for shapes, before clnn has run
            return x
        return x * torch.tensor(self.masks[self.step], dtype=x.dtype) / (1.0 - self.p)


def build(spec):
    if spec == "mlp":
        spec = "linear(784,512),relu,linear(512,256),relu,linear(256,10)"
    if spec == "cnn":
        spec = ("conv(1,16,3,1,1),relu,maxpool(2),conv(16,32,3,1,1),relu,avgpool(2),flatten,linear(1568,10)")
    layers, depth, start = [], 0, 0
    for i, c in enumerate(spec + ","):
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            layers.append(spec[start:i].strip())
            start = i + 1
    mods = []
    for text in layers:
        name, _, rest = text.partition("(")
        if name == "dropout":
            mods.append(MaskedDropout(float(rest.rstrip(")")) if rest else 0.5))
            continue
        args = [int(a) for a in rest.rstrip(")").split(",") if a.strip()]
        if name == "linear":
            mods.append(nn.Linear(*args))
        elif name in ("batchnorm1d", "batchnorm2d"):
            mods.append(nn.BatchNorm1d(*args) if name == "batchnorm1d" else nn.BatchNorm2d(*args))
        elif name == "relu":
            mods.append(nn.ReLU())
        elif name == "flatten":
            mods.append(nn.Flatten())
        elif name == "conv":
            cin, cout, k = args[:3]
            stride = args[3] if len(args) > 3 else 1
            pad = args[4] if len(args) > 4 else 0
            mods.append(nn.Conv2d(cin, cout, k, stride, pad))
        elif name in ("maxpool", "avgpool"):
            k = args[0]
            stride = args[1] if len(args) > 1 else k
            pad = args[2] if len(args) > 2 else 0
            mods.append(nn.MaxPool2d(k, stride, pad) if name == "maxpool" else nn.AvgPool2d(k, stride, pad))
        else:
            raise ValueError(text)
    return nn.Sequential(*mods)


def rel(a, b):
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def rel_or_scale(got, want, key):
    b = np.asarray(want[key], dtype=np.float64).ravel()
    peer = key[:-len("bias")] + "weight" if key.startswith("grad.") and key.endswith(".bias") else None
    if peer in want and np.linalg.norm(b) < 1e-12 * np.linalg.norm(np.asarray(want[peer], dtype=np.float64)):
        a = np.asarray(got[key], dtype=np.float64).ravel()
        return float(np.linalg.norm(a - b) / np.linalg.norm(np.asarray(want[peer], dtype=np.float64)))
    return rel(got[key], want[key])


def optimizer(params, lr, momentum, nesterov, wd, adam):
    if adam is None:
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=wd)
    kind = torch.optim.AdamW if adam["optimizer"] == "adamw" else torch.optim.Adam
    # foreach=False: the single-tensor implementation whose formula order clnn follows.
    return kind(params, lr=lr, betas=adam.get("betas", (0.9, 0.999)), eps=adam.get("eps", 1e-8), weight_decay=wd,
                amsgrad=adam.get("amsgrad", False), foreach=False)


def adam_flags(adam):
    if adam is None:
        return []
    flags = ["--optimizer", adam["optimizer"]]
    if "betas" in adam:
        flags += ["--betas", ",".join(str(b) for b in adam["betas"])]
    if "eps" in adam:
        flags += ["--eps", str(adam["eps"])]
    return flags + (["--amsgrad"] if adam.get("amsgrad") else [])


def reference(model, x, y, loss, lr, momentum, nesterov, wd, steps, adam=None, clip=0.0):
    model = model.double()
    x = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    opt = optimizer(model.parameters(), lr, momentum, nesterov, wd, adam)
    if loss == "kl":
        kl = nn.KLDivLoss(reduction="batchmean")
        crit = lambda output, p: kl(torch.log_softmax(output, 1), p)  # noqa: E731
    else:
        crit = nn.CrossEntropyLoss() if loss == "ce" else nn.MSELoss()
    target = torch.tensor(y) if loss == "ce" else torch.tensor(y, dtype=torch.float64)
    out = {}
    norms = []
    for step in range(steps):
        for m in model.modules():
            if isinstance(m, MaskedDropout):
                m.step = step
        opt.zero_grad()
        if x.grad is not None:
            x.grad = None
        output = model(x)
        value = crit(output, target)
        value.backward()
        if step == steps - 1:
            out["loss"] = value.detach().numpy()
            out["output"] = output.detach().numpy()
            out["grad.x"] = x.grad.numpy().copy()
            for name, p in model.named_parameters():
                out["grad." + name] = p.grad.numpy().copy()
        if clip:
            # clnn step writes the gradients as backward left them, before clipping.
            norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip)))
        opt.step()
    for name, p in model.named_parameters():
        out[name] = p.detach().numpy().copy()
    # Batch norm's running statistics and num_batches_tracked after the K steps, compared like the parameters.
    for name, b in model.named_buffers():
        out[name] = b.detach().numpy().copy()
    return out, norms


def soft_targets(rng, shape):
    """One distribution per row, normalised in float64 and then stored as float32 (rows sum to 1 within ~1e-7),
    sharp rows beside flat ones, and one exact zero (KLDivLoss takes 0 * log 0 as 0)."""
    logits = rng.normal(0.0, 1.0, size=shape) * rng.uniform(0.5, 4.0, size=(shape[0], 1))
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p[0, -1] = 0.0
    return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)


def run_case(case, device, clnn, tmp, seed):
    name, spec, xshape, loss, lr, momentum, nesterov, wd, steps = case[:9]
    # After the nine common fields: an Adam settings dict, or a clipping limit and whether every step clips.
    extra = case[9:]
    adam = extra[0] if extra and isinstance(extra[0], dict) else None
    clip, clips = extra if extra and adam is None else (0.0, False)
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = build(spec)
    # Parameters and running statistics as float32; num_batches_tracked stays int64, as PyTorch keeps it.
    weights = {k: v.detach().numpy() if not v.is_floating_point() else v.detach().numpy().astype(np.float32)
               for k, v in model.state_dict().items()}
    x = rng.uniform(-1, 1, size=xshape).astype(np.float32)
    with torch.no_grad():
        out_shape = tuple(model(torch.tensor(x)).shape)
    if loss == "ce":
        y = rng.integers(0, out_shape[1], size=xshape[0]).astype(np.int64)
    elif loss == "kl":
        y = soft_targets(rng, out_shape)
    else:
        y = rng.uniform(-1, 1, size=out_shape).astype(np.float32)
    wpath, bpath, opath = (os.path.join(tmp, f) for f in ("w.safetensors", "b.safetensors", "o.safetensors"))
    st.save(wpath, weights)
    st.save(bpath, {"x": x, "y": y})
    sgd = [] if adam else ["--momentum", str(momentum)] + (["--nesterov"] if nesterov else [])
    cmd = [clnn, "step", "--model", spec, "--loss", loss, "--weights", wpath, "--batch", bpath, "--lr", str(lr),
           "--weight-decay", str(wd), "--steps", str(steps),
           "--devices" if "," in device else "--device", device,
           "--out", opath] + sgd + adam_flags(adam) + (["--clip-grad-norm", str(clip)] if clip else [])
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    got = st.load(opath)
    # The float64 reference starts from the same float32 weights and inputs.
    model.load_state_dict({k: torch.tensor(v) for k, v in weights.items()})
    for i, m in enumerate(model):
        if isinstance(m, MaskedDropout) and m.p > 0:
            m.masks = got[f"dropout.{i}.mask"]
            kept = float(m.masks.mean())
            if not abs(kept - (1 - m.p)) <= 5 * (m.p * (1 - m.p) / m.masks.size) ** 0.5:
                print(f"{name}: layer {i} kept {kept:.3f} of its elements, p = {m.p}")
                return False
    want, norms = reference(model, x, y, loss, lr, momentum, nesterov, wd, steps, adam, clip)
    # A case must be what it says: clipped at every step, or at none.
    as_said = all((n > clip) == clips for n in norms)
    grads = [k for k in want if k in ("loss", "output") or k.startswith("grad.")]
    # A bias right before batch norm has a zero gradient (the batch mean removes it): its float rounding is judged
    # against the size of the weight gradient of the same layer, not against ~0.
    worst_grad = max(rel_or_scale(got, want, k) for k in grads)
    worst_param = max(rel(got[k], want[k]) for k in want if not (k in ("loss", "output") or k.startswith("grad.")))
    ok = worst_grad <= GRAD_LIMIT and worst_param <= PARAM_LIMIT and as_said
    norm_text = f"  norms {min(norms):.3g}..{max(norms):.3g} vs clip {clip:g}" if norms else ""
    print(f"{device:7s} {name:24s} steps={steps}  loss/output/grads rel {worst_grad:.2e}  "
          f"params rel {worst_param:.2e}{norm_text}{'' if as_said else ' (not as the case says)'}  "
          f"{'ok' if ok else 'FAIL'}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", action="append", default=None)
    parser.add_argument("--cases", default="mlp", help="mlp, cnn, clip or all")
    args = parser.parse_args()
    devices = args.device or ["cpu", "opencl"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # benchmarks/scripts/../..
    clnn = os.path.join(root, "clnn")
    cases = CLIP_CASES if args.cases == "clip" else CASES + CLIP_CASES
    extra = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cnn_cases.py")
    if args.cases in ("cnn", "all") and os.path.exists(extra):
        sys.path.insert(0, os.path.dirname(extra))
        from cnn_cases import CNN_CASES
        cases = CNN_CASES if args.cases == "cnn" else cases + CNN_CASES
    all_ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for device in devices:
            for i, case in enumerate(cases):
                all_ok &= run_case(case, device, clnn, tmp, seed=100 + i)
    print("all cases within limits" if all_ok else "SOME CASES FAILED")
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
