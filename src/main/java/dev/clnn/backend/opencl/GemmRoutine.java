package dev.clnn.backend.opencl;

import static dev.clnn.backend.opencl.KernelLauncher.ceilDiv;
import static dev.clnn.backend.opencl.KernelLauncher.roundUp;

import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.DeviceBuffer;

/**
 * GEMM on an OpenCL device, apart from the kernels as CLBlast keeps its Xgemm routine: chooses the variant for the
 * sizes ({@link GemmVariant}), packs an operand where it cannot be read in place, splits a long K and owns the
 * temporary buffers. The arguments are checked by {@link OpenClBackend#gemm} before it calls {@link #gemm}.
 */
final class GemmRoutine {
    /** Work-items enough to keep every core busy several times over. */
    private static final int SPLIT_TARGET_ITEMS = 64;
    /** A split shorter than this spends more on its partial block than on multiply-adds. */
    private static final int SPLIT_MIN_CHUNK = 128;
    /**
     * Products of fewer multiply-adds than this are never split. A split costs a second launch (gemm_sum_splits:
     * POCL's launch and completion latency is 0.07-0.15 ms) and a pass over the partial products, more than the
     * whole product takes below 2^24 multiply-adds (0.1 ms at 300 GFLOP/s, 0.4 ms on one core at 80), so the cores
     * it would add cannot pay for it. It also keeps the small products of a first training step (an MLP's layers
     * at batch 64, a classifier's last layer) to one kernel, each of which costs POCL a code generation then.
     */
    static final long SPLIT_MIN_WORK = 1L << 24;
    /**
     * Products from this many rows and this depth pack B even where it could be read in place. A strip of B read in
     * place has its K rows a row of B apart (4 KiB and more for n >= 1024): each step along K touches a new page, and
     * a power-of-two row length maps the strip onto a few cache sets, so it does not stay in L1/L2 between the
     * group's row blocks. Packed, the strip is contiguous. The pass over B costs about 1/m of the product, repaid
     * from m = 1024 at k = 1024 and 2048 (1.2-1.5x less CPU time per product) but not at m <= 512 or k = 256
     * (measured on the 2-core AVX-512 EPYC, see benchmarks/RESULTS.md).
     */
    private static final int PACK_B_MIN_ROWS = 1024;
    private static final int PACK_B_MIN_DEPTH = 512;
    /** pack_operand's last argument: which operand it packs (gemm_blocked.cl). */
    private static final int PACK_A = 0;
    private static final int PACK_B = 1;

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

    /**
     * How many K chunks make about {@link #SPLIT_TARGET_ITEMS} work-items, without chunks below the minimum; 1 for
     * products below {@link #SPLIT_MIN_WORK}.
     */
    static int splits(KernelTuning tuning, int m, int n, int k) {
        if ((long) m * n * k < SPLIT_MIN_WORK) {
            return 1;
        }
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
        int rowBlocks = (int) ceilDiv(m, rows);
        int columnBlocks = (int) ceilDiv(n, columns);
        // A is read in place (gemm_blocked.cl broadcasts its elements one at a time, so either storage order works)
        // unless it has fewer rows than one block. B is read in place where it is stored (k, n) with at least one
        // block of columns, unless the product is large enough to repay packing it into contiguous panels.
        boolean packA = m < rows;
        boolean packB = transB || n < columns || (m >= PACK_B_MIN_ROWS && k >= PACK_B_MIN_DEPTH);
        try (DeviceBuffer ap = packA ? launcher.allocate(4L * rowBlocks * rows * k) : null;
                DeviceBuffer bp = packB ? launcher.allocate(4L * columnBlocks * columns * k) : null) {
            OperandLayout layoutA;
            if (packA) {
                launcher.range(Kernels.PACK_OPERAND, new long[] {ceilDiv(k, packTile), rowBlocks}, ap, a, m, k,
                        rowBlocks * rows, transA ? 1 : 0, PACK_A);
                layoutA = new OperandLayout(ap, rowBlocks * rows, k, 1, rows);
            } else {
                layoutA = transA ? new OperandLayout(a, m, 1, 1, m) : new OperandLayout(a, m, k, k, 1);
            }
            OperandLayout layoutB;
            if (packB) {
                launcher.range(Kernels.PACK_OPERAND, new long[] {ceilDiv(k, packTile), columnBlocks}, bp, b, k, n,
                        columnBlocks * columns, transB ? 1 : 0, PACK_B);
                layoutB = new OperandLayout(bp, columnBlocks * columns, k, 0, columns);
            } else {
                layoutB = new OperandLayout(b, n, 1, 0, n);
            }
            if (splits > 1) {
                int chunk = (int) ceilDiv(k, splits);
                try (DeviceBuffer part = launcher.allocate(4L * splits * m * n)) {
                    // One work-item per group: a runtime left to choose may put all of these few items in one
                    // group, which POCL runs on a single core.
                    launcher.launch(Kernels.GEMM_BLOCKED_PARTIAL, new long[] {columnBlocks, rowBlocks, splits},
                            new long[] {1, 1, 1}, part, layoutA.buffer, layoutB.buffer, m, n, k, layoutA.extent,
                            layoutA.block, layoutA.row, layoutA.step, layoutB.extent, layoutB.block, layoutB.step,
                            chunk);
                    launcher.elementwise(Kernels.GEMM_SUM_SPLITS, (long) m * n, c, part, m, n, splits, alpha, beta);
                }
                return;
            }
            // A group's row blocks share one column strip, so they reuse that strip of B from cache, where groups of
            // one would fetch it again for every block. Always the configured group, so POCL generates the kernel
            // once rather than once per row count; rounded-up work-items beyond the last row block return at once.
            int group = config.groupRows();
            launcher.launch(Kernels.GEMM_BLOCKED, new long[] {columnBlocks, roundUp(rowBlocks, group)},
                    new long[] {1, group}, c, layoutA.buffer, layoutB.buffer, m, n, k, layoutA.extent, layoutA.block,
                    layoutA.row, layoutA.step, layoutB.extent, layoutB.block, layoutB.step, alpha, beta);
        }
    }

    /**
     * Where an operand's elements are, in gemm_blocked.cl's terms: {@code extent} rows (columns) held, and the
     * strides a_blk, a_row, a_step (b_blk, b_step; {@code row} unused for B).
     */
    private record OperandLayout(DeviceBuffer buffer, int extent, int block, int row, int step) {
    }
}
