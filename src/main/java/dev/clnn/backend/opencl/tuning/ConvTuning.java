package dev.clnn.backend.opencl.tuning;

import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.ConvPolicy;
import dev.clnn.device.DeviceInfo;
import java.util.Map;

/**
 * The {@link ConvPolicy} of one OpenCL device: the forced algorithm where one is set, else the small-patch choice
 * {@code clnn tune} stored for the device ({@link #STORE_NAME} in the {@link TuningStore}), else the rule.
 */
public final class ConvTuning {
    /** The tuning store's entry names of the convolution choice start with this. */
    public static final String FAMILY = "conv";
    /** The one class of shape the tuner chooses for: patches the direct kernel supports. */
    public static final String SMALL_PATCH_CLASS = "small-patch";
    /** The tuning store's entry name of the small-patch choice: {@code conv.small-patch = direct}. */
    public static final String STORE_NAME = FAMILY + "." + SMALL_PATCH_CLASS;

    private static final System.Logger LOG = System.getLogger("dev.clnn");

    private ConvTuning() {
    }

    /**
     * The policy for {@code info}: forced by {@link ConvPolicy#PROPERTY} or {@link ConvPolicy#ENV} where one is set,
     * else what the standard {@link TuningStore} holds for the device, else the rule.
     *
     * @throws IllegalArgumentException if the forced value names no algorithm
     */
    public static ConvPolicy forDevice(DeviceInfo info) {
        ConvAlgorithm forced = ConvPolicy.forcedSetting();
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
}
