package dev.clnn.backend;

import dev.clnn.device.DeviceInfo;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The kernel variants and {@code -D} tunables clnn uses on one device. They depend only on what the device reports
 * ({@link DeviceInfo}), so {@code clnn devices} can show them without opening a context, unless a GEMM kernel or
 * configuration is forced ({@link #GEMM_PROPERTY}, {@link #GPU_GEMM_PROPERTY}, {@link #GEMM_KERNEL_PROPERTY}). Every
 * build option of every kernel comes from {@link #buildOptions}, and the routines take their launch sizes from here.
 *
 * @param elementwiseLocal work-group size of 1-D elementwise kernels
 * @param reduceLocal      REDUCE_LOCAL of reduce.cl: work-items summing one partial
 * @param biasLocal        BIAS_LOCAL of bias.cl: work-items summing one channel of the bias gradient
 * @param gpuGemm          the tunables of gemm_gpu.cl
 * @param gpuGemmSource    where {@code gpuGemm} came from
 * @param blockedGemm      whether products use the packed, register-blocked gemm_blocked (CPUs) rather than gemm_gpu
 * @param gemm             VW, RM and WN of gemm_blocked.cl and its work-group shape
 * @param gemmSource       where {@code gemm} came from
 * @param packTile         PACK_TILE of gemm_blocked.cl: edge of the tile one packing work-item moves
 */
public record KernelTuning(int elementwiseLocal, int reduceLocal, int biasLocal, GpuGemmConfig gpuGemm,
        Source gpuGemmSource, boolean blockedGemm, GemmConfig gemm, Source gemmSource, int packTile) {
    /**
     * The system property that forces the GEMM configuration on every device, in {@link GemmConfig#parse}'s form,
     * e.g. {@code -Dclnn.gemm="vw8 rm6 wn2 g8"}; the environment variable {@link #GEMM_ENV} does the same when the
     * property is unset. For measuring shapes and for testing another CPU's shape (POCL told to generate Haswell
     * code still reports the host's vector width).
     */
    public static final String GEMM_PROPERTY = "clnn.gemm";
    /** The environment variable read when {@link #GEMM_PROPERTY} is unset. */
    public static final String GEMM_ENV = "CLNN_GEMM";
    /**
     * The system property that forces gemm_gpu's configuration, in {@link GpuGemmConfig#parse}'s form, e.g.
     * {@code -Dclnn.gpugemm="mwg128 nwg128"}; the environment variable {@link #GPU_GEMM_ENV} does the same when the
     * property is unset.
     */
    public static final String GPU_GEMM_PROPERTY = "clnn.gpugemm";
    /** The environment variable read when {@link #GPU_GEMM_PROPERTY} is unset. */
    public static final String GPU_GEMM_ENV = "CLNN_GPU_GEMM";
    /**
     * The system property that forces the GEMM kernel on every device: {@code gpu} (gemm_gpu, even on a CPU, for
     * tests and the device check) or {@code cpu} (gemm_blocked); the environment variable {@link #GEMM_KERNEL_ENV}
     * does the same when the property is unset.
     */
    public static final String GEMM_KERNEL_PROPERTY = "clnn.gemm.kernel";
    /** The environment variable read when {@link #GEMM_KERNEL_PROPERTY} is unset. */
    public static final String GEMM_KERNEL_ENV = "CLNN_GEMM_KERNEL";

    /** Work-group size of 1-D elementwise kernels, so a prime element count does not force groups of one. */
    private static final int ELEMENTWISE_LOCAL = 256;
    private static final int REDUCE_LOCAL = 256;
    private static final int BIAS_LOCAL = 64;
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
     * where one is set, and gemm_gpu's configuration and the kernel forced by {@link #GPU_GEMM_PROPERTY} and
     * {@link #GEMM_KERNEL_PROPERTY} (or their environment variables).
     *
     * @throws IllegalArgumentException if a forced setting does not parse
     */
    public static KernelTuning forDevice(DeviceInfo info) {
        String forced = setting(GEMM_PROPERTY, GEMM_ENV);
        KernelTuning tuning;
        try {
            tuning = forDevice(info, forced == null ? null : GemmConfig.parse(forced));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(GEMM_PROPERTY + "/" + GEMM_ENV + ": " + e.getMessage(), e);
        }
        return GpuGemmSwitches.apply(tuning);
    }

    /** The system property {@code property}, else the environment variable {@code env}; null when blank or unset. */
    static String setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * The choice for {@code info}, using {@code forcedGemm} for gemm_blocked unless it is null. The register-blocked
     * kernel suits CPUs (its vectors map to SSE/AVX under POCL), and serves every size there: small products also ran
     * faster with it than with the tiles, and one GEMM program instead of one per transposition saves POCL code
     * generation on the first run. GPUs run gemm_gpu instead, whose work-groups share local-memory tiles and whose
     * register tiles are small enough not to spill.
     */
    public static KernelTuning forDevice(DeviceInfo info, GemmConfig forcedGemm) {
        int maxGroup = (int) Math.min(Integer.MAX_VALUE, Math.max(1, info.maxWorkGroupSize()));
        int groupPower = Integer.highestOneBit(maxGroup);
        GemmConfig gemm = forcedGemm != null ? forcedGemm : GemmDefaults.forDevice(info);
        return new KernelTuning(Math.min(ELEMENTWISE_LOCAL, groupPower), Math.min(REDUCE_LOCAL, groupPower),
                Math.min(BIAS_LOCAL, groupPower), GpuGemmConfig.forDevice(info), Source.DEFAULT, !info.gpu(), gemm,
                forcedGemm != null ? Source.FORCED : Source.DEFAULT, PACK_TILE);
    }

    /** This tuning with another GEMM configuration, marked forced (tests, and a tuner trying candidates). */
    public KernelTuning withGemm(GemmConfig config) {
        return new KernelTuning(elementwiseLocal, reduceLocal, biasLocal, gpuGemm, gpuGemmSource, blockedGemm, config,
                Source.FORCED, packTile);
    }

    /** This tuning with another gemm_gpu configuration, marked forced (tests, and a tuner trying candidates). */
    public KernelTuning withGpuGemm(GpuGemmConfig config) {
        return new KernelTuning(elementwiseLocal, reduceLocal, biasLocal, config, Source.FORCED, blockedGemm, gemm,
                gemmSource, packTile);
    }

    /** This tuning running products with gemm_blocked ({@code true}) or gemm_gpu, whatever the device's type. */
    public KernelTuning withBlockedGemm(boolean blocked) {
        return new KernelTuning(elementwiseLocal, reduceLocal, biasLocal, gpuGemm, gpuGemmSource, blocked, gemm,
                gemmSource, packTile);
    }

    /**
     * The {@code -D} options {@code kernel} is built with on this device: one per macro its file takes
     * ({@link KernelFile#defines}), e.g. {@code -DREDUCE_LOCAL=256}; empty for files without macros.
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
            case MWG, NWG, KWG, MDIMC, NDIMC, VWM, VWN, KWI, STRM, STRN, SA, SB -> gpuGemm.define(define);
            case PACK_EDGE -> GpuGemmRoutine.PACK_EDGE;
            case VW -> gemm.vectorWidth();
            case RM -> gemm.rows();
            case WN -> gemm.vectors();
            case PACK_TILE -> packTile;
            case REDUCE_LOCAL -> reduceLocal;
            case BIAS_LOCAL -> biasLocal;
        };
    }

    /**
     * The GEMM kernels in words, e.g. {@code gemm_gpu mwg64 nwg64 ... (default: packed, 64x64 tiles of 16x16
     * work-items, 4x4 register tile each)} or
     * {@code gemm_blocked vw16 rm16 wn1 g32 (default: packed, 16x16 register block, split-K for long K)}.
     */
    public String gemmChoice() {
        if (!blockedGemm) {
            String source = gpuGemmSource == Source.FORCED ? "forced by " + GPU_GEMM_PROPERTY : gpuGemmSource.word();
            return String.format(Locale.ROOT, "gemm_gpu %s (%s: packed, %dx%d tiles of %dx%d work-items, %dx%d"
                    + " register tile each)", gpuGemm, source, gpuGemm.mwg(), gpuGemm.nwg(), gpuGemm.mdimc(),
                    gpuGemm.ndimc(), gpuGemm.mwi(), gpuGemm.nwi());
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
