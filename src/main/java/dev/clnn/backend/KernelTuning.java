package dev.clnn.backend;

import dev.clnn.device.DeviceInfo;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The kernel variants and {@code -D} tunables clnn uses on one device. They depend only on what the device reports
 * ({@link DeviceInfo}), so {@code clnn devices} can show them without opening a context. Every build option of every
 * kernel comes from {@link #buildOptions}, and the routines take their launch sizes from here.
 *
 * @param elementwiseLocal work-group size of 1-D elementwise kernels
 * @param reduceLocal      REDUCE_LOCAL of reduce.cl: work-items summing one partial
 * @param biasLocal        BIAS_LOCAL of bias.cl: work-items summing one channel of the bias gradient
 * @param tile             TS of matmul.cl: edge of gemm_tiled's square local-memory tile
 * @param blockedGemm      whether products use the packed, register-blocked gemm_blocked rather than gemm_tiled
 * @param blockRows        RM of gemm_blocked.cl: rows of C per work-item
 * @param blockVectors     WN of gemm_blocked.cl: float16 column vectors per work-item
 * @param packTile         PACK_TILE of gemm_blocked.cl: edge of the tile one packing work-item moves
 */
public record KernelTuning(int elementwiseLocal, int reduceLocal, int biasLocal, int tile, boolean blockedGemm,
        int blockRows, int blockVectors, int packTile) {
    /** Work-group size of 1-D elementwise kernels, so a prime element count does not force groups of one. */
    private static final int ELEMENTWISE_LOCAL = 256;
    private static final int REDUCE_LOCAL = 256;
    private static final int BIAS_LOCAL = 64;
    /** Devices that allow 16×16 = 256 work-items per group get the larger tile. */
    private static final int LARGE_TILE = 16;
    private static final int SMALL_TILE = 8;
    /** A 16×16 register block: 16 float16 accumulators, which AVX-512's 32 vector registers hold with room left. */
    private static final int BLOCK_ROWS = 16;
    private static final int BLOCK_VECTORS = 1;
    /** A 16×16 float tile is 1 KiB of private memory per packing work-item. */
    private static final int PACK_TILE = 16;
    /** Lanes of a float16, the vector type of gemm_blocked's columns. */
    private static final int FLOAT16_LANES = 16;

    /**
     * The choice for {@code info}. The register-blocked kernel suits CPUs (float16 maps to AVX-512 under POCL), and
     * serves every size there: small products also ran faster with it than with the tiles, and one GEMM program
     * instead of one per transposition saves POCL code generation on the first run. On GPUs its float16
     * accumulators per work-item would spill, so they keep the local-memory tiles.
     */
    public static KernelTuning forDevice(DeviceInfo info) {
        int maxGroup = (int) Math.min(Integer.MAX_VALUE, Math.max(1, info.maxWorkGroupSize()));
        int groupPower = Integer.highestOneBit(maxGroup);
        return new KernelTuning(Math.min(ELEMENTWISE_LOCAL, groupPower), Math.min(REDUCE_LOCAL, groupPower),
                Math.min(BIAS_LOCAL, groupPower), maxGroup >= LARGE_TILE * LARGE_TILE ? LARGE_TILE : SMALL_TILE,
                !info.gpu(), BLOCK_ROWS, BLOCK_VECTORS, PACK_TILE);
    }

    /** Columns of C per gemm_blocked work-item (RN = 16·WN). */
    public int blockColumns() {
        return FLOAT16_LANES * blockVectors;
    }

    /**
     * The {@code -D} options {@code kernel} is built with on this device: one per macro its file takes
     * ({@link KernelFile#defines}), e.g. {@code -DTS=16 -DTRANS_A=0 -DTRANS_B=1}; empty for files without macros.
     */
    public String buildOptions(Kernels kernel) {
        StringJoiner options = new StringJoiner(" ");
        for (KernelFile.Define define : kernel.file().defines()) {
            options.add("-D" + define.name() + "=" + value(define, kernel));
        }
        return options.toString();
    }

    private int value(KernelFile.Define define, Kernels kernel) {
        return switch (define) {
            case TS -> tile;
            case TRANS_A -> kernel.transA() ? 1 : 0;
            case TRANS_B -> kernel.transB() ? 1 : 0;
            case RM -> blockRows;
            case WN -> blockVectors;
            case PACK_TILE -> packTile;
            case REDUCE_LOCAL -> reduceLocal;
            case BIAS_LOCAL -> biasLocal;
        };
    }

    /** The GEMM kernels in words, e.g. {@code gemm_tiled (TS=16)}. */
    public String gemmChoice() {
        String tiled = "gemm_tiled (TS=" + tile + ")";
        if (!blockedGemm) {
            return tiled;
        }
        return String.format(Locale.ROOT, "gemm_blocked (packed, %dx%d register block, split-K for long K)",
                blockRows, blockColumns());
    }

    /** The work-group sizes in words, e.g. {@code REDUCE_LOCAL=256, BIAS_LOCAL=64, elementwise work-groups of 256}. */
    public String workGroups() {
        return "REDUCE_LOCAL=" + reduceLocal + ", BIAS_LOCAL=" + biasLocal + ", elementwise work-groups of "
                + elementwiseLocal;
    }
}
