package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.DropoutDraw;
import dev.clnn.backend.Tensor;

/**
 * Inverted dropout, as PyTorch's {@code nn.Dropout(p)}: in training mode each element is zeroed with probability p and
 * the kept ones are scaled by 1 / (1 − p); in evaluation mode it passes x through. Any shape (N, ...): a row is one
 * sample. The mask is a function of (seed, layer index, step, global row, element) ({@link DropoutDraw}), so the
 * layer keeps no generator state: {@link #setDrawPosition} says the step and the shard's first row before each
 * forward pass, and backward draws the forward's mask again instead of storing it.
 */
public final class Dropout implements Layer {
    private final Backend backend;
    private final double p;
    private final long seed;
    private final int index;
    private boolean training = true;
    private long step;
    private int firstRow;
    private DropoutDraw draw; // of the last forward in training mode; null after one in evaluation mode
    private int[] shape;
    private Tensor y;
    private Tensor dx;

    /**
     * @param p     the probability of zeroing an element, in [0, 1)
     * @param seed  the run's seed
     * @param index the layer's index in the model, so two dropout layers draw different masks
     */
    public Dropout(Backend backend, double p, long seed, int index) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout(" + p + "): p must be in [0, 1); p = 1 would zero every "
                    + "activation and leave no gradient");
        }
        this.backend = backend;
        this.p = p;
        this.seed = seed;
        this.index = index;
    }

    public double p() {
        return p;
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public void setDrawPosition(long step, int firstRow) {
        this.step = step;
        this.firstRow = firstRow;
    }

    /** The draw of a training-mode forward pass at {@code step} of the rows from global row {@code firstRow} on. */
    public DropoutDraw draw(long step, int firstRow) {
        return new DropoutDraw(seed, index, step, firstRow, p);
    }

    /** The draw of the last forward pass, or null when it ran in evaluation mode (or has not run). */
    public DropoutDraw lastDraw() {
        return draw;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length == 0 || inputShape[0] <= 0) {
            throw new IllegalArgumentException(this + " expects input [N, ...] but got " + Buffers.str(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        shape = outputShape(x.shape());
        if (!training || p == 0) {
            draw = null;
            return x;
        }
        draw = draw(step, firstRow);
        y = Buffers.reuse(backend, y, DType.F32, shape);
        backend.dropoutForward(y, x, shape[0], x.size() / shape[0], draw);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, shape);
        if (draw == null) {
            return dy;
        }
        dx = Buffers.reuse(backend, dx, DType.F32, shape);
        backend.dropoutBackward(dx, dy, shape[0], dy.size() / shape[0], draw);
        return dx;
    }

    @Override
    public void close() {
        Buffers.close(y, dx);
        y = null;
        dx = null;
    }

    @Override
    public String toString() {
        return "dropout(" + p + ")";
    }
}
