package dev.clnn.backend.opencl;

import static dev.clnn.backend.opencl.KernelLauncher.roundUp;

import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.device.DeviceBuffer;

/**
 * GEMM with gemm_gpu (gemm_gpu.cl), the kernel for GPUs: packs op(A) and op(B) K-major and zero-padded to whole tiles
 * of the tuning's {@link GpuGemmConfig} (gemm_gpu_pack), then launches one work-group per tile of C. An operand whose
 * stored layout already is the packed one (A stored (K, M), B stored (K, N), with whole tiles) is used as it is.
 * Called by {@link GemmRoutine}, which owns the choice of variant.
 */
final class GpuGemmRoutine {
    private final KernelLauncher launcher;
    private final GpuGemmConfig config;

    GpuGemmRoutine(KernelLauncher launcher) {
        this.launcher = launcher;
        this.config = launcher.tuning().gpuGemm();
    }

    /** C = alpha·op(A)·op(B) + beta·C; the arguments are checked by {@link OpenClBackend#gemm}. */
    void gemm(DeviceBuffer c, DeviceBuffer a, DeviceBuffer b, boolean transA, boolean transB, int m, int n, int k,
            float alpha, float beta) {
        int mp = (int) roundUp(m, config.mwg());
        int np = (int) roundUp(n, config.nwg());
        int kp = (int) roundUp(k, config.kwg());
        boolean packA = !transA || mp != m || kp != k;
        boolean packB = transB || np != n || kp != k;
        try (DeviceBuffer ap = packA ? launcher.allocate(4L * kp * mp) : null;
                DeviceBuffer bp = packB ? launcher.allocate(4L * kp * np) : null) {
            if (packA) {
                pack(ap, a, k, m, kp, mp, !transA);
            }
            if (packB) {
                pack(bp, b, k, n, kp, np, transB);
            }
            launcher.launch(Kernels.GEMM_GPU,
                    new long[] {(long) np / config.nwg() * config.ndimc(), (long) mp / config.mwg() * config.mdimc()},
                    new long[] {config.ndimc(), config.mdimc()}, c, packA ? ap : a, packB ? bp : b, m, n, mp, np, kp,
                    alpha, beta);
        }
    }

    /**
     * P (kp, xp) = S zero-padded, where S is (k, x) stored as it is or, when {@code trans}, stored (x, k); dimension 0
     * of the range runs along the source's contiguous axis.
     */
    private void pack(DeviceBuffer p, DeviceBuffer s, int k, int x, int kp, int xp, boolean trans) {
        long edge = config.packEdge();
        long along = trans ? kp : xp;
        long across = trans ? xp : kp;
        launcher.launch(Kernels.GEMM_GPU_PACK, new long[] {roundUp(along, edge), roundUp(across, edge)},
                new long[] {edge, edge}, p, s, k, x, kp, xp, trans ? 1 : 0);
    }
}
