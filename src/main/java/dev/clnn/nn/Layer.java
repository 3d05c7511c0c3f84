package dev.clnn.nn;

import dev.clnn.backend.Tensor;
import java.util.List;

/**
 * One differentiable stage of a network. Shapes include the batch dimension N first: a linear layer sees (N, in), an
 * image layer (N, C, H, W).
 *
 * <p>{@link #forward} keeps on the backend whatever {@link #backward} needs (a reference to the input, the max-pool
 * arg-max, …); its result belongs to the layer, is overwritten by the next call and is reallocated only when the input
 * shape changes. {@link #backward} must follow the forward pass it differentiates: it accumulates into the parameter
 * gradients and returns dx, also owned by the layer and overwritten by the next call. A layer never knows which
 * backend it runs on.
 */
public interface Layer extends AutoCloseable {

    /** y = layer(x); x must stay unchanged until {@link #backward} has run. */
    Tensor forward(Tensor x);

    /** Given dy (the shape forward returned): param.grad += ∂L/∂param, returns dx (overwritten, owned by the layer). */
    Tensor backward(Tensor dy);

    /**
     * As {@link #backward} for a caller that does not need dx (the first layer during training, whose input is the
     * data): parameter gradients accumulate the same way, and a layer may skip computing dx. Returns nothing.
     */
    default void backwardParametersOnly(Tensor dy) {
        backward(dy);
    }

    /** The trainable parameters in a fixed order; empty for parameterless layers. */
    default List<Param> params() {
        return List.of();
    }

    /**
     * State saved and loaded with the parameters but not trained (PyTorch's buffers, e.g. batch norm's running
     * statistics), in a fixed order; empty for most layers.
     */
    default List<StateBuffer> buffers() {
        return List.of();
    }

    /**
     * The output shape for an input of shape {@code inputShape}.
     *
     * @throws IllegalArgumentException naming the layer and both shapes when the input does not fit
     */
    int[] outputShape(int[] inputShape);

    /**
     * Switches between training and evaluation, as PyTorch's {@code Module.train(mode)}: layers that behave
     * differently (dropout, batch normalisation) follow it; the others ignore it. Layers start in training mode.
     */
    default void setTraining(boolean training) {
    }

    /**
     * Where the next forward pass draws its random numbers (dropout's mask): the optimiser's step and the global row
     * of the input's first row within the batch (a shard's offset; 0 on one device). The training step sets it
     * before each forward pass; layers that draw nothing ignore it.
     */
    default void setDrawPosition(long step, int firstRow) {
    }

    /** Releases the layer's parameters and buffers. */
    @Override
    void close();
}
