package dev.clnn.backend;

import dev.clnn.device.DeviceInfo;
import dev.clnn.device.TuningStore;
import java.util.Map;

/**
 * Which {@link ConvAlgorithm} a backend uses for each convolution shape. In order of precedence: a forced algorithm
 * where one is set and can compute the shape; for patches the direct kernel supports, the algorithm {@code clnn tune}
 * measured faster on this device ({@link #STORE_NAME} in the {@link TuningStore}); else the rule:
 * {@link ConvAlgorithm#DIRECT} for patches it supports on CPUs, where its loop over a handful of taps beats packing a
 * GEMM operand with K ≤ 32, im2col + GEMM everywhere else. On GPUs the direct kernel's parameter gradient runs on only
 * cout × slices × ow work-items, so the rule there stays im2col + GEMM; the tuner can measure otherwise.
 *
 * @param forced the algorithm forced by {@link #PROPERTY} or {@link #ENV}, or null
 * @param tuned  the algorithm tuned for small patches (those {@link ConvAlgorithm#DIRECT} supports), or null
 * @param gpu    whether the device is a GPU
 */
public record ConvPolicy(ConvAlgorithm forced, ConvAlgorithm tuned, boolean gpu) {
    /**
     * The system property that forces the algorithm ({@code im2col_gemm}, {@code direct}, or {@code auto} for the
     * tuned choice or the rule), e.g. {@code -Dclnn.conv=im2col_gemm}; the environment variable {@link #ENV} does the
     * same when the property is unset. A forced {@code direct} still falls back to im2col + GEMM for patches it
     * cannot take.
     */
    public static final String PROPERTY = "clnn.conv";
    /** The environment variable read when {@link #PROPERTY} is unset. */
    public static final String ENV = "CLNN_CONV";
    /** The tuning store's entry names of the convolution choice start with this. */
    public static final String FAMILY = "conv";
    /** The one class of shape the tuner chooses for: patches the direct kernel supports. */
    public static final String SMALL_PATCH_CLASS = "small-patch";
    /** The tuning store's entry name of the small-patch choice: {@code conv.small-patch = direct}. */
    public static final String STORE_NAME = FAMILY + "." + SMALL_PATCH_CLASS;

    private static final System.Logger LOG = System.getLogger("dev.clnn");

    /** A policy without a tuned choice: forced or the rule. */
    public ConvPolicy(ConvAlgorithm forced, boolean gpu) {
        this(forced, null, gpu);
    }

    /**
     * The policy for a device of this kind without a tuned choice (the CPU reference), forced by {@link #PROPERTY}
     * or {@link #ENV} where one is set.
     *
     * @throws IllegalArgumentException if the forced value names no algorithm
     */
    public static ConvPolicy forDevice(boolean gpu) {
        return new ConvPolicy(forcedSetting(), gpu);
    }

    /**
     * The policy for {@code info}: forced by {@link #PROPERTY} or {@link #ENV} where one is set, else what the
     * standard {@link TuningStore} holds for the device, else the rule.
     *
     * @throws IllegalArgumentException if the forced value names no algorithm
     */
    public static ConvPolicy forDevice(DeviceInfo info) {
        ConvAlgorithm forced = forcedSetting();
        if (forced != null) {
            return new ConvPolicy(forced, info.gpu());
        }
        return forDevice(info, TuningStore.standard().load(info));
    }

    /**
     * The policy for {@code info} with the tuning store's entries {@code tuned} (forced settings are not read here):
     * the {@link #STORE_NAME} entry where there is one, else the rule. An entry that does not parse (written by
     * another clnn version) is logged and left out.
     */
    public static ConvPolicy forDevice(DeviceInfo info, Map<String, String> tuned) {
        String text = tuned.get(STORE_NAME);
        if (text == null) {
            return new ConvPolicy(null, info.gpu());
        }
        try {
            return new ConvPolicy(null, ConvAlgorithm.parse(text), info.gpu());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "tuned " + STORE_NAME + " of " + info.name() + " ignored: "
                    + e.getMessage());
            return new ConvPolicy(null, info.gpu());
        }
    }

    private static ConvAlgorithm forcedSetting() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            value = System.getenv(ENV);
        }
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return ConvAlgorithm.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + "/" + ENV + ": " + e.getMessage(), e);
        }
    }

    /** This policy with {@code algorithm} forced (tests, and a tuner trying both). */
    public ConvPolicy forcing(ConvAlgorithm algorithm) {
        return new ConvPolicy(algorithm, tuned, gpu);
    }

    /** The algorithm for a convolution of shape {@code s}. */
    public ConvAlgorithm choose(Conv2dShape s) {
        if (forced != null && forced.supports(s)) {
            return forced;
        }
        if (!ConvAlgorithm.DIRECT.supports(s)) {
            return ConvAlgorithm.IM2COL_GEMM;
        }
        return tuned != null ? tuned : ruleForSmallPatches();
    }

    /** What the rule picks for patches the direct kernel supports: what an untuned device runs. */
    public ConvAlgorithm ruleForSmallPatches() {
        return gpu ? ConvAlgorithm.IM2COL_GEMM : ConvAlgorithm.DIRECT;
    }

    /**
     * The policy in words, for {@code clnn devices}: e.g. {@code direct for cin·kh·kw ≤ 32, else im2col_gemm (tuned)}.
     */
    public String describe() {
        if (forced != null) {
            return forced.word() + " (forced by " + PROPERTY + ")";
        }
        ConvAlgorithm small = tuned != null ? tuned : ruleForSmallPatches();
        String source = tuned != null ? " (tuned)" : " (default)";
        if (small == ConvAlgorithm.IM2COL_GEMM) {
            return "im2col_gemm" + source;
        }
        return "direct for cin·kh·kw ≤ " + ConvAlgorithm.DIRECT_MAX_PATCH + ", else im2col_gemm" + source;
    }
}
