package dev.clnn.backend;

import static dev.clnn.backend.KernelLauncher.ceilDiv;
import static dev.clnn.backend.KernelLauncher.roundUp;

import dev.clnn.device.DeviceBuffer;

/**
 * GEMM on an OpenCL device, apart from the kernels as CLBlast keeps its Xgemm routine: chooses the variant for the
 * sizes ({@link GemmVariant}), packs the operands, splits a long K and owns the temporary buffers. The arguments are
 * checked by {@link OpenClBackend#gemm} before it calls {@link #gemm}.
 */
final class GemmRoutine {
    /** Work-items enough to keep every core busy several times over. */
    private static final int SPLIT_TARGET_ITEMS = 64;
    /** A split shorter than this spends more on its partial block than on multiply-adds. */
    private static final int SPLIT_MIN_CHUNK = 128;

    private final KernelLauncher launcher;
    private final KernelTuning tuning;
    private final GpuGemmRoutine gpu;

    GemmRoutine(KernelLauncher launcher) {
        this.launcher = launcher;
        this.tuning = launcher.tuning();
        this.gpu = new GpuGemmRoutine(launcher);
    }

    /**
     * The variant for an (m, k)·(k, n) product under {@code tuning}: gemm_gpu where the tuning does not use the
     * blocked kernel (GPUs), else the blocked kernel, split along K when its blocks of C are too few to share out.
     */
    static GemmVariant variant(KernelTuning tuning, int m, int n, int k) {
        if (!tuning.blockedGemm()) {
            return GemmVariant.GPU;
        }
        return splits(tuning, m, n, k) > 1 ? GemmVariant.BLOCKED_SPLIT_K : GemmVariant.BLOCKED;
    }

    /** How many K chunks make about {@link #SPLIT_TARGET_ITEMS} work-items, without chunks below the minimum. */
    static int splits(KernelTuning tuning, int m, int n, int k) {
        GemmConfig config = tuning.gemmFor(m, n, k);
        long blocks = ceilDiv(m, config.rows()) * ceilDiv(n, config.columns());
        long wanted = ceilDiv(SPLIT_TARGET_ITEMS, blocks);
        return (int) Math.max(1, Math.min(wanted, k / SPLIT_MIN_CHUNK));
    }

    /** C = alpha·op(A)·op(B) + beta·C with the given variant, so tests can check each against the reference. */
    void gemm(DeviceBuffer c, DeviceBuffer a, DeviceBuffer b, boolean transA, boolean transB, int m, int n, int k,
            float alpha, float beta, GemmVariant variant) {
        switch (variant) {
            case GPU -> gpu.gemm(c, a, b, transA, transB, m, n, k, alpha, beta);
            case BLOCKED -> blocked(c, a, b, transA, transB, m, n, k, alpha, beta, 1);
            // A forced split (tests) splits at least in two, whatever the sizes would choose.
            case BLOCKED_SPLIT_K -> blocked(c, a, b, transA, transB, m, n, k, alpha, beta,
                    Math.max(2, Math.min(splits(tuning, m, n, k), k)));
        }
    }

    private void blocked(DeviceBuffer c, DeviceBuffer a, DeviceBuffer b, boolean transA, boolean transB, int m, int n,
            int k, float alpha, float beta, int splits) {
        GemmConfig config = tuning.gemmFor(m, n, k);
        // The product's configuration decides gemm_blocked.cl's build options: launch through its launcher.
        KernelLauncher launcher = this.launcher.forGemm(config);
        int rows = config.rows();
        int columns = config.columns();
        int packTile = tuning.packTile();
        int mp = (int) roundUp(m, rows);
        int np = (int) roundUp(n, columns);
        // B stored (k, n) with whole column blocks already has the packed layout: use it as it is.
        boolean packB = transB || np != n;
        try (DeviceBuffer ap = launcher.allocate(4L * mp * k);
                DeviceBuffer packed = packB ? launcher.allocate(4L * k * np) : null) {
            launcher.range(Kernels.PACK_A, new long[] {ceilDiv(k, packTile), ceilDiv(mp, packTile)},
                    ap, a, m, k, mp, transA ? 1 : 0);
            DeviceBuffer bp = packB ? packed : b;
            if (packB) {
                launcher.range(Kernels.PACK_B, new long[] {ceilDiv(np, packTile), ceilDiv(k, packTile)},
                        bp, b, k, n, np, transB ? 1 : 0);
            }
            int rowBlocks = mp / rows;
            if (splits > 1) {
                int chunk = (int) ceilDiv(k, splits);
                try (DeviceBuffer part = launcher.allocate(4L * splits * mp * np)) {
                    // One work-item per group: a runtime left to choose may put all of these few items in one
                    // group, which POCL runs on a single core.
                    launcher.launch(Kernels.GEMM_BLOCKED_PARTIAL, new long[] {np / columns, rowBlocks, splits},
                            new long[] {1, 1, 1}, part, ap, bp, mp, np, k, chunk);
                    launcher.elementwise(Kernels.GEMM_SUM_SPLITS, (long) m * n, c, part, m, n, mp, np, splits,
                            alpha, beta);
                }
                return;
            }
            // A group's row blocks share one column strip, so they reuse that strip of B from cache, where groups of
            // one would fetch it again for every block. Always the configured group, so POCL generates the kernel
            // once rather than once per row count; rounded-up work-items beyond the last row block return at once.
            int group = config.groupRows();
            launcher.launch(Kernels.GEMM_BLOCKED, new long[] {np / columns, roundUp(rowBlocks, group)},
                    new long[] {1, group}, c, ap, bp, m, n, k, np, alpha, beta);
        }
    }
}
