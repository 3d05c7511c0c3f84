"""The cost model of clnn's data-parallel training on several GPUs in one process (docs/multi-device.md): what a
step costs in compute and in the host-staged all-reduce of its gradients, how much of the all-reduce the backward
pass hides (the gradients are summed in buckets of layers while the layers before them are differentiated), and
what that predicts for 2, 4 and 8 GPUs. (Spark rounds have their own model in benchmarks/RESULTS.md.)

Run: python3 benchmarks/scripts/scaling_model.py [--allreduce-host-gbs G] ...   (prints the tables as markdown)

Every constant is an argument; the defaults are the measured or assumed values benchmarks/RESULTS.md names.
"""
import argparse
import math

# Per layer, in forward order: parameters, forward FLOPs per sample, and backward FLOPs per sample (weight
# gradients, plus input gradients except for the first layer with parameters, which backward skips). Counted from
# the layer shapes:
#   W2 linear 784-1024-1024-10: 1,863,690 parameters; forward 3.72 MFLOP, backward 5.84 MFLOP: 9.56 MFLOP per sample.
#   W3 cnn (conv 1→16 3×3 on 28², pool, conv 16→32 3×3 on 14², pool, linear 1568→10): 20,490 parameters;
#      forward 0.23 + 1.81 + 0.03 MFLOP, backward 0.23 + 3.61 + 0.06: 5.96 MFLOP per sample.
# Kernel launches per step (forward, backward, update; counted from `bench train --profile`): on a GPU each costs a
# few microseconds whatever the shard, so they set a floor under a small model's step.
WORKLOADS = {
    "W2": {"batch": 256, "launches": 25, "layers": [
        (784 * 1024 + 1024, 2 * 784 * 1024, 2 * 784 * 1024),
        (1024 * 1024 + 1024, 2 * 1024 * 1024, 4 * 1024 * 1024),
        (1024 * 10 + 10, 2 * 1024 * 10, 4 * 1024 * 10)]},
    "W3": {"batch": 64, "launches": 45, "layers": [
        (16 * 9 + 16, 2 * 16 * 9 * 28 * 28, 2 * 16 * 9 * 28 * 28),
        (32 * 16 * 9 + 32, 2 * 32 * 16 * 9 * 14 * 14, 4 * 32 * 16 * 9 * 14 * 14),
        (1568 * 10 + 10, 2 * 1568 * 10, 4 * 1568 * 10)]},
}


def buckets(layers, min_elements):
    """clnn's buckets (parallel.GradientBuckets): layers from the last, closed at min_elements; as layer index lists."""
    out, current, size = [], [], 0
    for i in reversed(range(len(layers))):
        current.append(i)
        size += layers[i][0]
        if size >= min_elements:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out


def allreduce(params, n, a):
    """Seconds to sum `params` gradients of n GPUs through the host: each GPU copies its gradient down and the sum
    back up over its own link (in parallel), the host adds n gradients at the rate measured on the POCL devices."""
    grad_bytes = 4 * params
    pcie = 2 * grad_bytes / (a.pcie_gbs * 1e9)
    host_sum = n * grad_bytes / (a.allreduce_host_gbs * 1e9)
    return pcie + host_sum


def gpu_step(w, n, a, per_gpu=None, overlap=True):
    """(compute, all-reduce, exposed all-reduce) seconds of one synchronous step on n GPUs, each with a shard of
    per_gpu rows (default: today's batch split n ways)."""
    rows = w["batch"] / n if per_gpu is None else per_gpu
    rate = a.gpu_tflops * 1e12
    layers = w["layers"]
    flops = sum(f + b for _, f, b in layers)
    compute = flops * rows / rate + w["launches"] * a.launch_us * 1e-6
    if n == 1:
        return compute, 0.0, 0.0
    parts = buckets(layers, a.bucket_elements)
    latency = 2 * a.tensors * a.transfer_latency_us * 1e-6 / len(parts)  # the copies, spread over the buckets
    comm = [allreduce(sum(layers[i][0] for i in b), n, a) + latency for b in parts]
    # The backward pass left to run once the first bucket is ready: the layers of the later buckets. The sums of
    # every bucket but the last hide behind it; the last bucket's sum (the first layers') always waits.
    window = sum(layers[i][2] for b in parts[1:] for i in b) * rows / rate
    exposed = comm[-1] + max(0.0, sum(comm[:-1]) - window) if overlap else sum(comm)
    return compute, sum(comm), exposed


def batch_for_efficiency(w, n, a, target, overlap=True):
    """The smallest batch per GPU whose step on n GPUs reaches `target` of n times one GPU's samples per second."""
    def efficiency(b):
        compute, _, exposed = gpu_step(w, n, a, per_gpu=b, overlap=overlap)
        return compute / (compute + exposed)  # one GPU's step on b rows has no all-reduce
    lo, hi = 1, 1
    while efficiency(hi) < target:
        lo, hi = hi, hi * 2
        if hi > 1 << 30:
            return None
    while lo < hi:
        mid = (lo + hi) // 2
        if efficiency(mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--gpu-tflops", type=float, default=10.0,
                   help="fp32 rate a GPU reaches on these layers (assumed: about half of a current card's peak)")
    p.add_argument("--pcie-gbs", type=float, default=12.0,
                   help="device-host copy rate per GPU (assumed: PCIe 4.0 x16 with pageable Java arrays)")
    p.add_argument("--allreduce-host-gbs", type=float, default=17.5,
                   help="host summing rate, gradient bytes per second per replica (measured on two POCL devices)")
    p.add_argument("--launch-us", type=float, default=6.0, help="per kernel launch on a GPU (assumed)")
    p.add_argument("--transfer-latency-us", type=float, default=20.0, help="per copy (assumed)")
    p.add_argument("--tensors", type=int, default=6, help="parameter tensors of W2 and W3")
    p.add_argument("--bucket-elements", type=int, default=1 << 18,
                   help="elements a bucket collects before it closes (clnn's GradientBuckets.MIN_ELEMENTS)")
    p.add_argument("--efficiency", type=float, default=0.9,
                   help="the scaling efficiency whose batch per GPU the last column gives")
    a = p.parse_args()

    print("| workload | GPUs | compute ms | all-reduce ms | exposed ms | step ms | speed-up | speed-up without overlap |"
          f" batch per GPU for efficiency {a.efficiency} | the same without overlap |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, w in WORKLOADS.items():
        base = gpu_step(w, 1, a)[0]
        for n in (1, 2, 4, 8):
            compute, comm, exposed = gpu_step(w, n, a)
            step = compute + exposed
            batch = "—" if n == 1 else f"{batch_for_efficiency(w, n, a, a.efficiency):,}"
            plain = "—" if n == 1 else f"{batch_for_efficiency(w, n, a, a.efficiency, overlap=False):,}"
            print(f"| {name} | {n} | {compute * 1e3:.3f} | {comm * 1e3:.3f} | {exposed * 1e3:.3f} | {step * 1e3:.3f} |"
                  f" {base / step:.2f}× | {base / (compute + comm):.2f}× | {batch} | {plain} |")


if __name__ == "__main__":
    main()
