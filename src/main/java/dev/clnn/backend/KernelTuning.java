package dev.clnn.backend;

import dev.clnn.device.DeviceInfo;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The kernel variants and {@code -D} tunables clnn uses on one device. They depend only on what the device reports
 * ({@link DeviceInfo}), so {@code clnn devices} can show them without opening a context, unless a GEMM configuration
 * is forced ({@link #GEMM_PROPERTY}). Every build option of every kernel comes from {@link #buildOptions}, and the
 * routines take their launch sizes from here.
 *
 * @param elementwiseLocal work-group size of 1-D elementwise kernels
 * @param reduceLocal      REDUCE_LOCAL of reduce.cl: work-items summing one partial
 * @param biasLocal        BIAS_LOCAL of bias.cl: work-items summing one channel of the bias gradient
 * @param tile             TS of matmul.cl: edge of gemm_tiled's square local-memory tile
 * @param blockedGemm      whether products use the packed, register-blocked gemm_blocked rather than gemm_tiled
 * @param gemm             VW, RM and WN of gemm_blocked.cl and its work-group shape
 * @param gemmSource       where {@code gemm} came from
 * @param packTile         PACK_TILE of gemm_blocked.cl: edge of the tile one packing work-item moves
 */
public record KernelTuning(int elementwiseLocal, int reduceLocal, int biasLocal, int tile, boolean blockedGemm,
        GemmConfig gemm, Source gemmSource, int packTile) {
    /**
     * The system property that forces the GEMM configuration on every device, in {@link GemmConfig#parse}'s form,
     * e.g. {@code -Dclnn.gemm="vw8 rm6 wn2 g8"}; the environment variable {@link #GEMM_ENV} does the same when the
     * property is unset. For measuring shapes and for testing another CPU's shape (POCL told to generate Haswell
     * code still reports the host's vector width).
     */
    public static final String GEMM_PROPERTY = "clnn.gemm";
    /** The environment variable read when {@link #GEMM_PROPERTY} is unset. */
    public static final String GEMM_ENV = "CLNN_GEMM";

    /** Work-group size of 1-D elementwise kernels, so a prime element count does not force groups of one. */
    private static final int ELEMENTWISE_LOCAL = 256;
    private static final int REDUCE_LOCAL = 256;
    private static final int BIAS_LOCAL = 64;
    /** Devices that allow 16×16 = 256 work-items per group get the larger tile. */
    private static final int LARGE_TILE = 16;
    private static final int SMALL_TILE = 8;
    /** A 16×16 float tile is 1 KiB of private memory per packing work-item. */
    private static final int PACK_TILE = 16;

    /** Where a tuning's GEMM configuration came from, as {@code clnn devices} shows it. */
    public enum Source {
        /** Derived from what the device reports: the shape that measured best on CPUs of its class. */
        DEFAULT,
        /** Forced by {@link #GEMM_PROPERTY} or {@link #GEMM_ENV}. */
        FORCED;

        /** The word {@code clnn devices} prints. */
        public String word() {
            return this == DEFAULT ? "default" : "forced by " + GEMM_PROPERTY;
        }
    }

    /**
     * The choice for {@code info}, with the GEMM configuration forced by {@link #GEMM_PROPERTY} or {@link #GEMM_ENV}
     * where one is set.
     *
     * @throws IllegalArgumentException if the forced configuration does not parse
     */
    public static KernelTuning forDevice(DeviceInfo info) {
        String forced = System.getProperty(GEMM_PROPERTY);
        if (forced == null) {
            forced = System.getenv(GEMM_ENV);
        }
        if (forced == null || forced.isBlank()) {
            return forDevice(info, null);
        }
        try {
            return forDevice(info, GemmConfig.parse(forced));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(GEMM_PROPERTY + "/" + GEMM_ENV + ": " + e.getMessage(), e);
        }
    }

    /**
     * The choice for {@code info}, using {@code forcedGemm} for gemm_blocked unless it is null. The register-blocked
     * kernel suits CPUs (its vectors map to SSE/AVX under POCL), and serves every size there: small products also ran
     * faster with it than with the tiles, and one GEMM program instead of one per transposition saves POCL code
     * generation on the first run. On GPUs its register block per work-item would spill, so they keep the
     * local-memory tiles.
     */
    public static KernelTuning forDevice(DeviceInfo info, GemmConfig forcedGemm) {
        int maxGroup = (int) Math.min(Integer.MAX_VALUE, Math.max(1, info.maxWorkGroupSize()));
        int groupPower = Integer.highestOneBit(maxGroup);
        GemmConfig gemm = forcedGemm != null ? forcedGemm : GemmDefaults.forDevice(info);
        return new KernelTuning(Math.min(ELEMENTWISE_LOCAL, groupPower), Math.min(REDUCE_LOCAL, groupPower),
                Math.min(BIAS_LOCAL, groupPower), maxGroup >= LARGE_TILE * LARGE_TILE ? LARGE_TILE : SMALL_TILE,
                !info.gpu(), gemm, forcedGemm != null ? Source.FORCED : Source.DEFAULT, PACK_TILE);
    }

    /** This tuning with another GEMM configuration, marked forced (tests, and a tuner trying candidates). */
    public KernelTuning withGemm(GemmConfig config) {
        return new KernelTuning(elementwiseLocal, reduceLocal, biasLocal, tile, blockedGemm, config, Source.FORCED,
                packTile);
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
            case VW -> gemm.vectorWidth();
            case RM -> gemm.rows();
            case WN -> gemm.vectors();
            case PACK_TILE -> packTile;
            case REDUCE_LOCAL -> reduceLocal;
            case BIAS_LOCAL -> biasLocal;
            case DIRECT_MAX_PATCH -> ConvAlgorithm.DIRECT_MAX_PATCH;
            case DIRECT_CO_BLOCK -> ConvRoutine.DIRECT_CO_BLOCK;
        };
    }

    /**
     * The GEMM kernels in words, e.g. {@code gemm_tiled (TS=16)} or
     * {@code gemm_blocked vw16 rm16 wn1 g32 (default: packed, 16x16 register block, split-K for long K)}.
     */
    public String gemmChoice() {
        String tiled = "gemm_tiled (TS=" + tile + ")";
        if (!blockedGemm) {
            return tiled;
        }
        return String.format(Locale.ROOT, "gemm_blocked %s (%s: packed, %dx%d register block, split-K for long K)",
                gemm, gemmSource.word(), gemm.rows(), gemm.columns());
    }

    /** The work-group sizes in words, e.g. {@code REDUCE_LOCAL=256, BIAS_LOCAL=64, elementwise work-groups of 256}. */
    public String workGroups() {
        return "REDUCE_LOCAL=" + reduceLocal + ", BIAS_LOCAL=" + biasLocal + ", elementwise work-groups of "
                + elementwiseLocal;
    }
}
