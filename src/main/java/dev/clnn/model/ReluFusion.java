package dev.clnn.model;

import java.util.List;

/**
 * Where a model's ReLU can be fused away, so that neither of its two passes over the activations runs (see
 * {@link dev.clnn.nn.ReLU#ReLU(dev.clnn.backend.Backend, boolean)}):
 * <ul>
 * <li>{@code conv, relu, maxpool|avgpool}: the convolution writes max(·, 0) itself and the pooling's backward zeroes
 * the gradient where its input is ≤ 0;</li>
 * <li>{@code linear, relu}: the linear layer writes max(·, 0) with its bias and zeroes the gradient where its output is
 * ≤ 0 together with its bias gradient ({@link dev.clnn.nn.Linear}); besides the passes this saves two distinct
 * kernels per step, each a code generation (~0.1 s) of a cold first step on POCL.</li>
 * </ul>
 * A ReLU anywhere else, for instance after a pooling layer or first, stays a layer of its own.
 */
final class ReluFusion {
    /** ReLUs whose backward the following pooling layer applies. */
    private final boolean[] intoPool;
    /** ReLUs whose forward and backward the preceding linear layer applies. */
    private final boolean[] intoLinear;

    ReluFusion(List<LayerSpec> layers) {
        intoPool = new boolean[layers.size()];
        intoLinear = new boolean[layers.size()];
        for (int i = 1; i < layers.size(); i++) {
            if (!(layers.get(i) instanceof LayerSpec.Relu)) {
                continue;
            }
            LayerSpec previous = layers.get(i - 1);
            LayerSpec next = i + 1 < layers.size() ? layers.get(i + 1) : null;
            intoPool[i] = previous instanceof LayerSpec.Conv
                    && (next instanceof LayerSpec.MaxPool || next instanceof LayerSpec.AvgPool);
            intoLinear[i] = previous instanceof LayerSpec.Linear;
        }
    }

    /** Whether layer {@code i} is a fused ReLU. */
    boolean isFused(int i) {
        return i >= 0 && i < intoPool.length && (intoPool[i] || intoLinear[i]);
    }

    /** Whether layer {@code i} (a convolution or a linear layer) writes the fused ReLU that follows it. */
    boolean feedsFused(int i) {
        return isFused(i + 1);
    }

    /** Whether layer {@code i} (a pooling layer) applies the backward of the fused ReLU before it. */
    boolean followsFused(int i) {
        return i >= 1 && i - 1 < intoPool.length && intoPool[i - 1];
    }
}
