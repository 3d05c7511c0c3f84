package dev.clnn.model;

import dev.clnn.backend.OpFamily;
import java.util.EnumSet;
import java.util.Set;

/**
 * The op families a model's layers launch in a training step beyond those every classifier's step launches (GEMM,
 * bias, the loss and the optimiser), so a backend can prepare them while it opens: an OpenCL backend builds their
 * programs as part of its first background build instead of one by one at first use (the programs of one context
 * build one after the other, each at a fixed cost). Linear, flatten and a ReLU fused into its neighbours
 * ({@link ReluFusion}) launch only common ops; a ReLU of its own is {@link OpFamily#RELU}. A family missing here costs
 * start-up time only.
 */
public final class FirstStepOps {
    private FirstStepOps() {
    }

    /** The layer-specific op families of {@code spec}'s forward and backward passes. */
    public static Set<OpFamily> of(ModelSpec spec) {
        Set<OpFamily> families = EnumSet.noneOf(OpFamily.class);
        ReluFusion fusion = new ReluFusion(spec.layers());
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            if (layer instanceof LayerSpec.Relu && !fusion.isFused(i)) {
                families.add(OpFamily.RELU);
            } else if (layer instanceof LayerSpec.Conv) {
                families.add(OpFamily.CONV);
            } else if (layer instanceof LayerSpec.MaxPool) {
                families.add(OpFamily.MAX_POOL);
            } else if (layer instanceof LayerSpec.AvgPool) {
                families.add(OpFamily.AVG_POOL);
            } else if (layer instanceof LayerSpec.Dropout d && d.p() > 0) {
                families.add(OpFamily.DROPOUT);
            } else if (layer instanceof LayerSpec.BatchNorm) {
                families.add(OpFamily.BATCH_NORM);
            }
        }
        return families;
    }
}
