package dev.clnn.model;

import java.util.List;

/**
 * Where a model's ReLU can be fused away: {@code conv, relu, maxpool|avgpool}. The convolution then writes max(·, 0)
 * itself and the pooling's backward zeroes the gradient where its input is ≤ 0, so neither of the ReLU's two passes
 * over the activations runs (see {@link dev.clnn.nn.ReLU#ReLU(dev.clnn.backend.Backend, boolean)}). A ReLU anywhere
 * else, for instance before a linear layer or a convolution, stays a layer of its own.
 */
final class ReluFusion {
    private final boolean[] fusedRelu;

    ReluFusion(List<LayerSpec> layers) {
        fusedRelu = new boolean[layers.size()];
        for (int i = 1; i + 1 < layers.size(); i++) {
            LayerSpec next = layers.get(i + 1);
            fusedRelu[i] = layers.get(i - 1) instanceof LayerSpec.Conv && layers.get(i) instanceof LayerSpec.Relu
                    && (next instanceof LayerSpec.MaxPool || next instanceof LayerSpec.AvgPool);
        }
    }

    /** Whether layer {@code i} is a fused ReLU. */
    boolean isFused(int i) {
        return i >= 0 && i < fusedRelu.length && fusedRelu[i];
    }

    /** Whether layer {@code i} (a convolution) writes the fused ReLU that follows it. */
    boolean feedsFused(int i) {
        return isFused(i + 1);
    }

    /** Whether layer {@code i} (a pooling layer) applies the backward of the fused ReLU before it. */
    boolean followsFused(int i) {
        return isFused(i - 1);
    }
}
