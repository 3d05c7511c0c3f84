package dev.clnn.backend;

import dev.clnn.device.DeviceInfo;
import java.util.Locale;

/**
 * The kernel variants and {@code -D} tunables clnn uses on one device. They depend only on what the device reports
 * ({@link DeviceInfo}), so {@code clnn devices} can show them without opening a context, and {@link OpenClBackend}
 * takes every launch size and build option from here.
 *
 * @param elementwiseLocal work-group size of 1-D elementwise kernels
 * @param reduceLocal      REDUCE_LOCAL of reduce.cl: work-items summing one partial
 * @param biasLocal        BIAS_LOCAL of bias.cl: work-items summing one channel of the bias gradient
 * @param tile             TS of matmul.cl: edge of gemm_tiled's square local-memory tile
 * @param blockedGemm      whether large products use the packed, register-blocked gemm_blocked
 */
public record KernelTuning(int elementwiseLocal, int reduceLocal, int biasLocal, int tile, boolean blockedGemm) {
    /** Work-group size of 1-D elementwise kernels, so a prime element count does not force groups of one. */
    private static final int ELEMENTWISE_LOCAL = 256;
    private static final int REDUCE_LOCAL = 256;
    private static final int BIAS_LOCAL = 64;
    /** Devices that allow 16×16 = 256 work-items per group get the larger tile. */
    private static final int LARGE_TILE = 16;
    private static final int SMALL_TILE = 8;

    /** Rows and float16 column vectors per work-item of gemm_blocked. */
    static final int BLOCK_ROWS = 16;
    static final int BLOCK_VECTORS = 1;
    static final int BLOCK_COLUMNS = 16 * BLOCK_VECTORS;
    /** Work-items enough to keep every core busy several times over. */
    private static final int SPLIT_TARGET_ITEMS = 64;
    /** A split shorter than this spends more on its partial block than on multiply-adds. */
    private static final int SPLIT_MIN_CHUNK = 128;

    /**
     * The choice for {@code info}. The register-blocked kernel suits CPUs (float16 maps to AVX-512 under POCL); on
     * GPUs its 16 float16 accumulators per work-item would spill, so they keep the local-memory tiles.
     */
    public static KernelTuning forDevice(DeviceInfo info) {
        int maxGroup = (int) Math.min(Integer.MAX_VALUE, Math.max(1, info.maxWorkGroupSize()));
        int groupPower = Integer.highestOneBit(maxGroup);
        return new KernelTuning(Math.min(ELEMENTWISE_LOCAL, groupPower), Math.min(REDUCE_LOCAL, groupPower),
                Math.min(BIAS_LOCAL, groupPower), maxGroup >= LARGE_TILE * LARGE_TILE ? LARGE_TILE : SMALL_TILE,
                !info.gpu());
    }

    /**
     * The GEMM kernel for an (m, k)·(k, n) product on this device. On CPUs the blocked kernel serves every size:
     * even small products ran faster with it than with the tiles (MLP training 16.8k → 20.8k samples/s), and one
     * GEMM program instead of one per transposition cut POCL's first-run code generation by seconds.
     */
    OpenClBackend.GemmVariant gemmVariant(int m, int n, int k) {
        if (!blockedGemm) {
            return OpenClBackend.GemmVariant.TILED;
        }
        return splitsFor(m, n, k) > 1 ? OpenClBackend.GemmVariant.BLOCKED_SPLIT_K : OpenClBackend.GemmVariant.BLOCKED;
    }

    /** How many K chunks make about {@link #SPLIT_TARGET_ITEMS} work-items, without chunks below the minimum. */
    static int splitsFor(int m, int n, int k) {
        long blocks = ceilDiv(m, BLOCK_ROWS) * ceilDiv(n, BLOCK_COLUMNS);
        long wanted = ceilDiv(SPLIT_TARGET_ITEMS, blocks);
        return (int) Math.max(1, Math.min(wanted, k / SPLIT_MIN_CHUNK));
    }

    /** The {@code -D} build options a kernel file is compiled with on this device; empty for untuned files. */
    public String buildOptions(String file) {
        return switch (file) {
            case "reduce.cl" -> "-DREDUCE_LOCAL=" + reduceLocal;
            case "bias.cl" -> "-DBIAS_LOCAL=" + biasLocal;
            case "matmul.cl" -> "-DTS=" + tile;
            case "gemm_blocked.cl" -> "-DRM=" + BLOCK_ROWS + " -DWN=" + BLOCK_VECTORS;
            default -> "";
        };
    }

    /** The GEMM kernels in words, e.g. {@code gemm_tiled (TS=16)}. */
    public String gemmChoice() {
        String tiled = "gemm_tiled (TS=" + tile + ")";
        if (!blockedGemm) {
            return tiled;
        }
        return String.format(Locale.ROOT, "gemm_blocked (packed, %dx%d register block, split-K for long K)",
                BLOCK_ROWS, BLOCK_COLUMNS);
    }

    /** The work-group sizes in words, e.g. {@code REDUCE_LOCAL=256, BIAS_LOCAL=64, elementwise groups of 256}. */
    public String workGroups() {
        return "REDUCE_LOCAL=" + reduceLocal + ", BIAS_LOCAL=" + biasLocal + ", elementwise work-groups of "
                + elementwiseLocal;
    }

    private static long ceilDiv(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }
}
