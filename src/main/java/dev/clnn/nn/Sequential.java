package dev.clnn.nn;

import dev.clnn.backend.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Layers applied in order, as PyTorch's {@code nn.Sequential}: forward chains them, backward runs them in reverse.
 * Owns its layers and closes them.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;
    private boolean training = true;

    public Sequential(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a sequential model needs at least one layer");
        }
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Layer layer : layers) {
            h = layer.forward(h);
        }
        return h;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor d = dy;
        for (int i = layers.size() - 1; i >= 0; i--) {
            d = layers.get(i).backward(d);
        }
        return d;
    }

    /** Backward for training: every parameter gradient, but no gradient of the model's input. */
    @Override
    public void backwardParametersOnly(Tensor dy) {
        backwardParametersOnly(dy, layer -> {
        });
    }

    /**
     * As {@link #backwardParametersOnly(Tensor)}, calling {@code afterLayer} with each layer's index right after its
     * backward ops are enqueued, from the last layer to the first: from then on no op of this pass writes that
     * layer's parameter gradients, so a data-parallel step can start summing them while the device runs the rest.
     */
    public void backwardParametersOnly(Tensor dy, IntConsumer afterLayer) {
        Tensor d = dy;
        for (int i = layers.size() - 1; i > 0; i--) {
            d = layers.get(i).backward(d);
            afterLayer.accept(i);
        }
        layers.get(0).backwardParametersOnly(d);
        afterLayer.accept(0);
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.params());
        }
        return all;
    }

    /**
     * The parameters under PyTorch state-dict names: "{i}.{name}" with i the layer's index in this list, e.g.
     * "0.weight", "0.bias", "2.weight"; a nested Sequential contributes "{i}.{j}.{name}".
     */
    public Map<String, Param> namedParams() {
        Map<String, Param> named = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Sequential inner) {
                for (Map.Entry<String, Param> e : inner.namedParams().entrySet()) {
                    named.put(i + "." + e.getKey(), e.getValue());
                }
            } else {
                for (Param p : layer.params()) {
                    named.put(i + "." + p.name(), p);
                }
            }
        }
        return named;
    }

    /**
     * The buffers ({@link Layer#buffers}) under PyTorch state-dict names, numbered as {@link #namedParams}, e.g.
     * "1.running_mean", "1.running_var", "1.num_batches_tracked".
     */
    public Map<String, StateBuffer> namedBuffers() {
        Map<String, StateBuffer> named = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Sequential inner) {
                for (Map.Entry<String, StateBuffer> e : inner.namedBuffers().entrySet()) {
                    named.put(i + "." + e.getKey(), e.getValue());
                }
            } else {
                for (StateBuffer b : layer.buffers()) {
                    named.put(i + "." + b.name(), b);
                }
            }
        }
        return named;
    }

    /** Chains every layer's shape check, so the first layer that rejects its input names itself. */
    @Override
    public int[] outputShape(int[] inputShape) {
        int[] shape = inputShape;
        for (Layer layer : layers) {
            shape = layer.outputShape(shape);
        }
        return shape;
    }

    /** Training mode, as PyTorch's {@code model.train()}: dropout drops, batch norm uses the batch's statistics. */
    public Sequential train() {
        setTraining(true);
        return this;
    }

    /** Evaluation mode, as PyTorch's {@code model.eval()}: dropout passes through, batch norm uses running statistics. */
    public Sequential eval() {
        setTraining(false);
        return this;
    }

    /** Whether the model is in training mode (the mode it starts in). */
    public boolean isTraining() {
        return training;
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
        for (Layer layer : layers) {
            layer.setTraining(training);
        }
    }

    @Override
    public void setDrawPosition(long step, int firstRow) {
        for (Layer layer : layers) {
            layer.setDrawPosition(step, firstRow);
        }
    }

    /** Sets every parameter gradient to 0. */
    public void zeroGrad() {
        for (Param p : params()) {
            p.zeroGrad();
        }
    }

    @Override
    public void close() {
        for (Layer layer : layers) {
            layer.close();
        }
    }

    @Override
    public String toString() {
        return "sequential" + layers;
    }
}
