package dev.clnn.model;

import dev.clnn.backend.Backend;
import dev.clnn.nn.AvgPool2d;
import dev.clnn.nn.BatchNorm;
import dev.clnn.nn.Conv2d;
import dev.clnn.nn.Dropout;
import dev.clnn.nn.Flatten;
import dev.clnn.nn.Layer;
import dev.clnn.nn.Linear;
import dev.clnn.nn.MaxPool2d;
import dev.clnn.nn.ReLU;
import dev.clnn.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds a {@link Sequential} on a backend from a {@link ModelSpec}, with PyTorch's default initialisation; a ReLU
 * between a convolution and a pooling layer, or after a linear layer, is fused into them ({@link ReluFusion}), which
 * computes the same values.
 */
public final class Models {
    private Models() {
    }

    /**
     * The model, its parameters drawn in layer order from one generator seeded with {@code seed}; dropout layers key
     * their masks with {@code seed} and their index.
     */
    public static Sequential build(Backend backend, ModelSpec spec, long seed) {
        SplittableRandom init = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        ReluFusion fusion = new ReluFusion(spec.layers());
        try {
            for (int i = 0; i < spec.layers().size(); i++) {
                layers.add(layer(backend, spec.layers().get(i), init, fusion, i, seed));
            }
        } catch (RuntimeException e) {
            layers.forEach(Layer::close);
            throw e;
        }
        return new Sequential(layers);
    }

    private static Layer layer(Backend backend, LayerSpec spec, SplittableRandom init, ReluFusion fusion, int i,
            long seed) {
        if (spec instanceof LayerSpec.Linear l) {
            return new Linear(backend, l.in(), l.out(), init, fusion.feedsFused(i));
        } else if (spec instanceof LayerSpec.Relu) {
            return new ReLU(backend, fusion.isFused(i));
        } else if (spec instanceof LayerSpec.MaxPool p) {
            return new MaxPool2d(backend, p.k(), p.stride(), p.pad(), fusion.followsFused(i));
        } else if (spec instanceof LayerSpec.AvgPool p) {
            return new AvgPool2d(backend, p.k(), p.stride(), p.pad(), fusion.followsFused(i));
        } else if (spec instanceof LayerSpec.Dropout d) {
            return new Dropout(backend, d.p(), seed, i);
        } else if (spec instanceof LayerSpec.BatchNorm b) {
            return new BatchNorm(backend, b.channels(), b.spatial());
        } else if (spec instanceof LayerSpec.Flatten) {
            return new Flatten();
        } else if (spec instanceof LayerSpec.Conv c) {
            return new Conv2d(backend, c.cin(), c.cout(), c.k(), c.stride(), c.pad(), init, fusion.feedsFused(i));
        }
        throw new IllegalStateException("no layer for " + spec.text());
    }

    /**
     * The per-sample input shape the model takes for data of {@code sampleShape}: a model that starts with
     * {@code linear(in, out)} takes the sample flattened (as {@code x.view(N, -1)} in PyTorch), any other its natural
     * shape. The whole model is then checked against it, so a mismatch names the first layer that rejects it.
     */
    public static int[] inputShape(ModelSpec spec, int[] sampleShape) {
        int features = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        return spec.layers().get(0) instanceof LayerSpec.Linear ? new int[] {features} : sampleShape.clone();
    }

    /** The batch shape [n, sample...]. */
    public static int[] batchShape(int n, int[] sample) {
        int[] shape = new int[sample.length + 1];
        shape[0] = n;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return shape;
    }
}
