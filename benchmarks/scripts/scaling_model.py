"""The cost model of clnn's data-parallel training on several GPUs in one process (docs/multi-device.md): what a
step costs in compute and in the host-staged all-reduce of its gradients, and what that predicts for 2, 4 and 8
GPUs. (Spark rounds have their own model in benchmarks/RESULTS.md.)

Run: python3 benchmarks/scripts/scaling_model.py [--allreduce-host-gbs G] ...   (prints the table as markdown)

Every constant is an argument; the defaults are the measured or assumed values benchmarks/RESULTS.md names.
"""
import argparse
import math

# Per-sample training FLOPs (forward, weight gradients, input gradients except the first layer's) and parameter
# bytes, counted from the layer shapes:
#   W2 linear 784-1024-1024-10: 1,863,690 parameters; forward 2·(784·1024 + 1024·1024 + 1024·10) = 3.72 MFLOP,
#      weight gradients as much again, input gradients of layers 2 and 3 2.12 MFLOP: 9.56 MFLOP per sample.
#   W3 cnn (conv 1→16 3×3 on 28², pool, conv 16→32 3×3 on 14², pool, linear 1568→10): 20,490 parameters;
#      forward 0.23 + 1.81 + 0.03 MFLOP, weight gradients as much, input gradients of conv2 and linear 1.84:
#      5.96 MFLOP per sample.
# Kernel launches per step (forward, backward, update; counted from `bench train --profile`): on a GPU each costs a
# few microseconds whatever the shard, so they set a floor under a small model's step.
WORKLOADS = {
    "W2": {"params": 1_863_690, "flop_per_sample": 9.564e6, "batch": 256, "launches": 25},
    "W3": {"params": 20_490, "flop_per_sample": 5.965e6, "batch": 64, "launches": 45},
}


def gpu_step(w, n, a):
    """Seconds of one synchronous step on n GPUs: compute of a 1/n shard, then the host-staged all-reduce."""
    compute = w["flop_per_sample"] * w["batch"] / n / (a.gpu_tflops * 1e12) + w["launches"] * a.launch_us * 1e-6
    if n == 1:
        return compute, 0.0
    grad_bytes = 4 * w["params"]
    # clnn sums through the host: each GPU reads its gradient down and the sum back up over its own link (in
    # parallel), and the host adds n gradients, at the rate measured on the POCL devices here.
    pcie = 2 * grad_bytes / (a.pcie_gbs * 1e9)
    host_sum = n * grad_bytes / (a.allreduce_host_gbs * 1e9)
    latency = 2 * a.tensors * a.transfer_latency_us * 1e-6
    return compute, pcie + host_sum + latency


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
    a = p.parse_args()

    print("| workload | GPUs | compute ms | all-reduce ms | step ms | speed-up | all-reduce share |"
          " batch per GPU for a share < 10% |")
    print("|---|---|---|---|---|---|---|---|")
    for name, w in WORKLOADS.items():
        base = sum(gpu_step(w, 1, a))
        for n in (1, 2, 4, 8):
            compute, comm = gpu_step(w, n, a)
            step = compute + comm
            per_sample = w["flop_per_sample"] / (a.gpu_tflops * 1e12)
            batch = "—" if n == 1 else f"{math.ceil(9 * comm / per_sample):,}"
            print(f"| {name} | {n} | {compute * 1e3:.3f} | {comm * 1e3:.3f} | {step * 1e3:.3f} | "
                  f"{base / step:.2f}× | {100 * comm / step:.0f}% | {batch} |")


if __name__ == "__main__":
    main()
