package dev.clnn.backend.opencl.tuning;

import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.device.DeviceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The kernel variants and {@code -D} tunables clnn uses on one device. They depend on what the device reports
 * ({@link DeviceInfo}) and on what {@code clnn tune} stored for it ({@link TuningStore}), so {@code clnn devices} can
 * show them without opening a context; a forced GEMM kernel or configuration ({@link #GEMM_PROPERTY},
 * {@link #GPU_GEMM_PROPERTY}, {@link #GEMM_KERNEL_PROPERTY}) wins over both. Every
 * build option of every kernel takes its value from {@link #define}, and the routines take their launch sizes from
 * here. This is configuration only: it reads no routine, and the routines read it.
 *
 * @param elementwiseLocal work-group size of 1-D elementwise kernels
 * @param reduceLocal      REDUCE_LOCAL of reduce.cl (and XENT_LOCAL of softmax_xent.cl, LOG_SOFTMAX_LOCAL of
 *                         log_softmax.cl): work-items summing one partial
 * @param biasLocal        BIAS_LOCAL of bias.cl: work-items summing one channel of the bias gradient
 * @param gpuGemm          the tunables of gemm_gpu.cl
 * @param gpuGemmSource    where {@code gpuGemm} came from
 * @param blockedGemm      whether products use the register-blocked gemm_blocked (CPUs) rather than gemm_gpu
 * @param gemm             VW, RM and WN of gemm_blocked.cl and its work-group shape, per class of shape, and where
 *                         each came from
 * @param packTile         PACK_TILE of gemm_blocked.cl: steps along K one packing work-item moves
 */
public record KernelTuning(int elementwiseLocal, int reduceLocal, int biasLocal, GpuGemmConfig gpuGemm,
        Source gpuGemmSource, boolean blockedGemm, GemmChoices gemm, int packTile) {
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
    private static final int CPU_RELU_RUN = 16;
    private static final int CPU_ADAM_RUN = 16;
    /** float16: one AVX-512 register, and on narrower CPUs still one load per work-item of several registers. */
    private static final int CPU_SUM_WIDTH = 16;
    /** 16 steps along K: a packing work-item writes a 16 × (panel width) patch, which stays in L1. */
    private static final int PACK_TILE = 16;

    /**
     * The largest PACK_EDGE of gemm_gpu.cl: gemm_gpu_pack's work-groups are PACK_EDGE × PACK_EDGE (8 floats, 32
     * bytes), smaller where gemm_gpu's own work-group is ({@link GpuGemmConfig#packEdge}).
     */
    public static final int PACK_EDGE = 8;
    /**
     * DIRECT_CO_BLOCK of conv.cl: output channels a work-item of the direct gradient's first pass sums for, sharing
     * each row's taps between them; 4 × 33 float8 partial sums (4 KiB) per work-item.
     */
    public static final int DIRECT_CO_BLOCK = 4;
    /**
     * DIRECT_OUT_BLOCK of conv.cl: output channels the direct forward pass computes at once, each its own chain of
     * float8 multiply-adds; 8 chains cover an FMA's latency at two FMAs per cycle and fit in the registers.
     */
    public static final int DIRECT_OUT_BLOCK = 8;

    /** The tuning store's entry names of the GEMM choices start with this, then the class: {@code gemm.large}. */
    public static final String GEMM_FAMILY = "gemm";
    /** The tuning store's entry names of gemm_gpu start with this, then its one class. */
    public static final String GPU_GEMM_FAMILY = "gemm_gpu";
    /** gemm_gpu's one class of shape: a single configuration serves every product. */
    public static final String GPU_GEMM_CLASS = "all";
    /** The tuning store's entry name of gemm_gpu's configuration (one for every shape). */
    public static final String GPU_GEMM_STORE_NAME = GPU_GEMM_FAMILY + "." + GPU_GEMM_CLASS;

    private static final System.Logger LOG = System.getLogger("dev.clnn");

    /** Where a tuning's GEMM configuration came from, as {@code clnn devices} shows it. */
    public enum Source {
        /** Derived from what the device reports: the shape that measured best on CPUs of its class. */
        DEFAULT,
        /** Forced by {@link #GEMM_PROPERTY} or {@link #GEMM_ENV}. */
        FORCED,
        /** Measured fastest on this device by {@code clnn tune} and read from the {@link TuningStore}. */
        TUNED;

        /** The word {@code clnn devices} prints. */
        public String word() {
            return switch (this) {
                case DEFAULT -> "default";
                case FORCED -> "forced by " + GEMM_PROPERTY;
                case TUNED -> "tuned";
            };
        }
    }

    /** The tuning store's entry name of {@code shapeClass}'s GEMM configuration, e.g. {@code gemm.long-k}. */
    public static String storeName(GemmClass shapeClass) {
        return GEMM_FAMILY + "." + shapeClass.word();
    }

    /**
     * The choice for {@code info}: the GEMM configuration forced by {@link #GEMM_PROPERTY} or {@link #GEMM_ENV}
     * where one is set, else what the standard {@link TuningStore} holds for the device, else the defaults; then
     * gemm_gpu's configuration and the kernel forced by {@link #GPU_GEMM_PROPERTY} and {@link #GEMM_KERNEL_PROPERTY}
     * (or their environment variables) where set.
     *
     * @throws IllegalArgumentException if a forced setting does not parse or exceeds one of the device's limits
     */
    public static KernelTuning forDevice(DeviceInfo info) {
        String forced = setting(GEMM_PROPERTY, GEMM_ENV);
        if (forced == null) {
            TuningStore store = TuningStore.standard();
            KernelTuning tuning = GpuGemmSwitches.apply(forDevice(info, null, store.load(info)), info);
            return tuning.withGemmDefaults(GemmWidth.resolve(info, tuning, store));
        }
        KernelTuning tuning;
        try {
            tuning = forDevice(info, GemmConfig.parse(forced));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(GEMM_PROPERTY + "/" + GEMM_ENV + ": " + e.getMessage(), e);
        }
        return GpuGemmSwitches.apply(tuning, info);
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
     * The choice for {@code info} with the tuning store's entries {@code tuned}: each class's gemm_blocked
     * configuration is the stored one ({@link #storeName}) where there is one, else the default, and gemm_gpu's is
     * the stored {@link #GPU_GEMM_STORE_NAME} entry where there is one (GPUs read only that one: gemm_blocked's
     * entries are for CPUs). An entry that does not parse (written by
     * another clnn version) or exceeds one of the device's limits (a file copied from a larger device, a driver that
     * now reports less) is logged and left out, as the defaults always fit. A forced gemm_blocked configuration keeps
     * the stored ones out.
     */
    public static KernelTuning forDevice(DeviceInfo info, GemmConfig forcedGemm, Map<String, String> tuned) {
        KernelTuning base = forDevice(info, forcedGemm);
        if (forcedGemm != null) {
            return base;
        }
        GemmChoices choices = base.gemm;
        String width = tuned.get(GemmWidth.STORE_NAME);
        if (width != null && !info.gpu()) {
            try {
                choices = choices.withDefaults(GemmWidth.parse(width));
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "stored " + GemmWidth.STORE_NAME + " of " + info.name()
                        + " ignored: " + e.getMessage());
            }
        }
        for (GemmClass c : GemmClass.values()) {
            String text = tuned.get(storeName(c));
            if (text == null || info.gpu()) {
                continue;
            }
            try {
                GemmConfig config = GemmConfig.parse(text);
                refuseUnfit(config, config.problem(info));
                choices = choices.with(c, config, Source.TUNED);
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "tuned " + storeName(c) + " of " + info.name() + " ignored: "
                        + e.getMessage());
            }
        }
        GpuGemmConfig gpu = base.gpuGemm;
        Source gpuSource = base.gpuGemmSource;
        String gpuText = tuned.get(GPU_GEMM_STORE_NAME);
        if (gpuText != null) {
            try {
                GpuGemmConfig config = GpuGemmConfig.parse(gpuText);
                refuseUnfit(config, config.problem(info));
                gpu = config;
                gpuSource = Source.TUNED;
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "tuned " + GPU_GEMM_STORE_NAME + " of " + info.name()
                        + " ignored: " + e.getMessage());
            }
        }
        return new KernelTuning(base.elementwiseLocal, base.reduceLocal, base.biasLocal, gpu, gpuSource,
                base.blockedGemm, choices, base.packTile);
    }

    /**
     * The choice for {@code info}, using {@code forcedGemm} for gemm_blocked unless it is null. The register-blocked
     * kernel suits CPUs (its vectors map to SSE/AVX under POCL), and serves every size there: small products also ran
     * faster with it than with the tiles, and one GEMM program instead of one per transposition saves POCL code
     * generation on the first run. GPUs run gemm_gpu instead, whose work-groups share local-memory tiles and whose
     * register tiles are small enough not to spill.
     */
    public static KernelTuning forDevice(DeviceInfo info, GemmConfig forcedGemm) {
        // 1-D groups: the whole group lies along dimension 0. The reductions keep one float per work-item in local
        // memory.
        long oneDimension = Math.min(info.maxWorkGroupSize(), info.maxWorkItemSize(0));
        long reduction = Math.min(oneDimension, info.localMemBytes() / Float.BYTES);
        GemmConfig gemm;
        if (forcedGemm != null) {
            refuseUnfit(forcedGemm, forcedGemm.problem(info));
            gemm = forcedGemm;
        } else {
            gemm = fitted(GemmDefaults.forDevice(info), info);
        }
        return new KernelTuning(DeviceLimits.powerOfTwoAtMost(oneDimension, ELEMENTWISE_LOCAL),
                DeviceLimits.powerOfTwoAtMost(reduction, REDUCE_LOCAL), DeviceLimits.powerOfTwoAtMost(reduction,
                BIAS_LOCAL), GpuGemmConfig.forDevice(info), Source.DEFAULT, !info.gpu(),
                GemmChoices.uniform(gemm, forcedGemm != null ? Source.FORCED : Source.DEFAULT)
                        .withDefaults(GemmWidth.reported(info)), PACK_TILE);
    }

    /**
     * The default gemm_blocked shape of vectors of {@code width} floats (1, 2, 4, 8 or 16), in a work-group that fits
     * {@code info}.
     */
    public static GemmConfig defaultGemm(int width, DeviceInfo info) {
        return fitted(GemmDefaults.forWidth(width), info);
    }

    /**
     * This tuning with {@code width}'s default shape for the classes that run the default, and {@code width} as
     * where it came from (a probe's result, or why there was none).
     */
    public KernelTuning withGemmDefaults(GemmWidth width) {
        return new KernelTuning(elementwiseLocal, reduceLocal, biasLocal, gpuGemm, gpuGemmSource, blockedGemm,
                gemm.withDefaults(width), packTile);
    }

    /** {@code config} with as many group rows as {@code info}'s groups allow along dimension 1, at most its own. */
    private static GemmConfig fitted(GemmConfig config, DeviceInfo info) {
        int rows = DeviceLimits.powerOfTwoAtMost(Math.min(info.maxWorkGroupSize(), info.maxWorkItemSize(1)),
                config.groupRows());
        return new GemmConfig(config.vectorWidth(), config.rows(), config.vectors(), rows);
    }

    /**
     * Refuses a configuration that exceeds one of the device's limits ({@code problem} not null): forced ones are
     * refused outright, stored ones logged and left out, as entries that do not parse are.
     */
    static void refuseUnfit(Object config, String problem) {
        if (problem != null) {
            throw new IllegalArgumentException("'" + config + "' does not fit the device: " + problem);
        }
    }

    /**
     * What in this tuning exceeds {@code info}'s limits, one sentence each naming the value and the limit; empty
     * where everything fits. It covers every work-group size and every local array a kernel is built with: the 1-D
     * groups of the elementwise kernels, reduce_sum, softmax_xent_forward and the log_softmax kernels (REDUCE_LOCAL,
     * XENT_LOCAL and LOG_SOFTMAX_LOCAL floats of local memory) and bias_add_backward (BIAS_LOCAL floats), gemm_gpu
     * (NDIMC × MDIMC, KWG × (MWG + NWG) floats) and gemm_gpu_pack (PACK_EDGE², PACK_EDGE × (PACK_EDGE + 1) floats), and each gemm_blocked configuration (1 ×
     * groupRows, no local memory). The multi-dimensional groups of the other kernels are the launcher's, from
     * {@link #elementwiseLocal} and the device's per-dimension sizes.
     */
    public List<String> problems(DeviceInfo info) {
        List<String> out = new ArrayList<>();
        addProblem(out, "elementwise", DeviceLimits.workGroupProblem(info, elementwiseLocal));
        String reduceLocals = "REDUCE_LOCAL/XENT_LOCAL/LOG_SOFTMAX_LOCAL/BN_LOCAL";
        addProblem(out, reduceLocals, DeviceLimits.workGroupProblem(info, reduceLocal));
        addProblem(out, reduceLocals, DeviceLimits.localMemoryProblem(info, 4L * reduceLocal));
        addProblem(out, "BIAS_LOCAL", DeviceLimits.workGroupProblem(info, biasLocal));
        addProblem(out, "BIAS_LOCAL", DeviceLimits.localMemoryProblem(info, 4L * biasLocal));
        addProblem(out, "gemm_gpu " + gpuGemm, gpuGemm.problem(info));
        int edge = gpuGemm.packEdge();
        addProblem(out, "gemm_gpu_pack", DeviceLimits.workGroupProblem(info, edge, edge));
        addProblem(out, "gemm_gpu_pack", DeviceLimits.localMemoryProblem(info, 4L * edge * (edge + 1)));
        for (GemmConfig config : gemm.distinct()) {
            addProblem(out, "gemm_blocked " + config, config.problem(info));
        }
        return out;
    }

    private static void addProblem(List<String> out, String what, String problem) {
        if (problem != null) {
            out.add(what + ": " + problem);
        }
    }

    /**
     * This tuning with one GEMM configuration for every class, marked forced (tests, and a tuner trying
     * candidates).
     */
    public KernelTuning withGemm(GemmConfig config) {
        return new KernelTuning(elementwiseLocal, reduceLocal, biasLocal, gpuGemm, gpuGemmSource, blockedGemm,
                GemmChoices.uniform(config, Source.FORCED), packTile);
    }

    /** This tuning with another gemm_gpu configuration, marked forced (tests, and a tuner trying candidates). */
    public KernelTuning withGpuGemm(GpuGemmConfig config) {
        return new KernelTuning(elementwiseLocal, reduceLocal, biasLocal, config, Source.FORCED, blockedGemm, gemm,
                packTile);
    }

    /** This tuning running products with gemm_blocked ({@code true}) or gemm_gpu, whatever the device's type. */
    public KernelTuning withBlockedGemm(boolean blocked) {
        return new KernelTuning(elementwiseLocal, reduceLocal, biasLocal, gpuGemm, gpuGemmSource, blocked, gemm,
                packTile);
    }

    /** The gemm_blocked configuration an (m, k)·(k, n) product runs with: its class's ({@link GemmClass#of}). */
    public GemmConfig gemmFor(int m, int n, int k) {
        return gemm.forShape(m, n, k);
    }

    /**
     * The value of {@code define} on this device, which a kernel is built with as {@code -D}: gemm_blocked.cl's
     * macros (VW, RM, WN) from {@code gemm}, the configuration the product was given; the others from this tuning or
     * the constants here.
     */
    public int define(KernelDefine define, GemmConfig gemm) {
        return switch (define) {
            case MWG, NWG, KWG, MDIMC, NDIMC, VWM, VWN, KWI, STRM, STRN, SA, SB -> gpuGemm.define(define);
            case PACK_EDGE -> gpuGemm.packEdge();
            case VW -> gemm.vectorWidth();
            case RM -> gemm.rows();
            case WN -> gemm.vectors();
            case PACK_TILE -> packTile;
            case REDUCE_LOCAL, XENT_LOCAL, LOG_SOFTMAX_LOCAL, BN_LOCAL -> reduceLocal;
            case BIAS_LOCAL -> biasLocal;
            case DIRECT_MAX_PATCH -> ConvAlgorithm.DIRECT_MAX_PATCH;
            case DIRECT_CO_BLOCK -> DIRECT_CO_BLOCK;
            case DIRECT_OUT_BLOCK -> DIRECT_OUT_BLOCK;
            case RELU_RUN -> reluRun();
            case ADAM_RUN -> adamRun();
            case SUM_WIDTH -> sumWidth();
            case BN_STREAM -> streamsRuns() ? 1 : 0;
        };
    }

    /**
     * Whether a work-item of a memory-bound kernel should stream a run of consecutive elements rather than move one:
     * on CPUs (the devices that take gemm_blocked) POCL runs such work-items several times faster; on GPUs
     * neighbouring work-items must touch neighbouring elements for coalesced loads.
     */
    public boolean streamsRuns() {
        return blockedGemm;
    }

    /** RELU_RUN of relu.cl: elements one work-item of relu_forward handles (see {@link #streamsRuns}). */
    public int reluRun() {
        return streamsRuns() ? CPU_RELU_RUN : 1;
    }

    /** ADAM_RUN of adam.cl: elements one work-item of adam_update handles (see {@link #streamsRuns}). */
    public int adamRun() {
        return streamsRuns() ? CPU_ADAM_RUN : 1;
    }

    /**
     * SUM_WIDTH of allreduce.cl: consecutive elements, one vector, that one work-item of weighted_sum_all sums (see
     * {@link #streamsRuns}).
     */
    public int sumWidth() {
        return streamsRuns() ? CPU_SUM_WIDTH : 1;
    }

    /**
     * The GEMM kernels in words, e.g. {@code gemm_gpu mwg64 nwg64 ... (default: packed, 64x64 tiles of 16x16
     * work-items, 4x4 register tile each)},
     * {@code gemm_blocked vw16 rm16 wn1 g32 (default: 16x16 register block, split-K for long K)} where every
     * class of shape has the same configuration, or {@code gemm_blocked per class of shape (split-K for long
     * K): small vw16 rm6 wn3 g8 (tuned), large …}.
     */
    public String gemmChoice() {
        if (!blockedGemm) {
            String source = gpuGemmSource == Source.FORCED ? "forced by " + GPU_GEMM_PROPERTY : gpuGemmSource.word();
            return String.format(Locale.ROOT, "gemm_gpu %s (%s: packed, %dx%d tiles of %dx%d work-items, %dx%d"
                    + " register tile each)", gpuGemm, source, gpuGemm.mwg(), gpuGemm.nwg(), gpuGemm.mdimc(),
                    gpuGemm.ndimc(), gpuGemm.mwi(), gpuGemm.nwi());
        }
        // Where some class runs the default, say which width's default and why (probed, or why not).
        String width = gemm.usesDefault() ? "; " + gemm.defaultWidth().describe() : "";
        if (gemm.isUniform()) {
            GemmConfig config = gemm.of(GemmClass.LARGE);
            return String.format(Locale.ROOT, "gemm_blocked %s (%s: %dx%d register block, split-K for long K)%s",
                    config, gemm.source(GemmClass.LARGE).word(), config.rows(), config.columns(), width);
        }
        return "gemm_blocked per class of shape (split-K for long K): " + gemm + width;
    }

    /** The work-group sizes in words, e.g. {@code REDUCE_LOCAL=256, BIAS_LOCAL=64, elementwise work-groups of 256}. */
    public String workGroups() {
        return "REDUCE_LOCAL=" + reduceLocal + ", BIAS_LOCAL=" + biasLocal + ", elementwise work-groups of "
                + elementwiseLocal;
    }
}
