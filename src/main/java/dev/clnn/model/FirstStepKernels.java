package dev.clnn.model;

import dev.clnn.backend.Kernels;
import java.util.EnumSet;
import java.util.Set;

/**
 * The OpenCL kernels a model's layers launch in a training step beyond those every classifier's step launches
 * (GEMM, bias, the loss and the optimiser), so a backend can build their programs as part of the first background
 * build instead of one by one at first use (each program costs POCL a fixed ~0.13 s, and the programs of one context
 * build one after the other). Linear, flatten and a ReLU fused into its neighbours ({@link ReluFusion}) launch only
 * common kernels; a ReLU of its own launches relu.cl's.
 * Programs are built per file, so one kernel per file is enough; a kernel missing here costs start-up time only.
 */
public final class FirstStepKernels {
    private FirstStepKernels() {
    }

    /** The layer-specific kernels of {@code spec}'s forward and backward passes. */
    public static Set<Kernels> of(ModelSpec spec) {
        Set<Kernels> kernels = EnumSet.noneOf(Kernels.class);
        ReluFusion fusion = new ReluFusion(spec.layers());
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            if (layer instanceof LayerSpec.Relu && !fusion.isFused(i)) {
                kernels.add(Kernels.RELU_FORWARD);
            } else if (layer instanceof LayerSpec.Conv) {
                kernels.addAll(Set.of(Kernels.IM2COL, Kernels.SWAP_LEADING_AXES, Kernels.COL2IM,
                        Kernels.CONV_DIRECT_FORWARD));
            } else if (layer instanceof LayerSpec.MaxPool) {
                kernels.addAll(Set.of(Kernels.MAX_POOL_FORWARD_2X2, Kernels.MAX_POOL_BACKWARD_SCATTER));
            } else if (layer instanceof LayerSpec.AvgPool) {
                kernels.addAll(Set.of(Kernels.AVG_POOL_FORWARD_2X2, Kernels.AVG_POOL_BACKWARD_SCATTER));
            }
        }
        return kernels;
    }
}
