package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.nn.Loss;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Optimizer;
import java.util.function.IntConsumer;

/**
 * The one training step of a model on one backend: forward, loss, zero-grad, backward, optimiser update. The loss
 * and the optimiser are parameters, so every trainer (one device, the replicas of several, {@code clnn step}, Spark's
 * replicas, the benchmarks) runs the same ops in the same order. {@link #computeGradients} and {@link #update} are
 * apart because a data-parallel step all-reduces the gradients between them; {@link #step} is both. Owns the model,
 * the loss and the optimiser: closing releases all three.
 */
public final class ModelStep implements AutoCloseable {
    private final Backend backend;
    private final Sequential model;
    private final Loss loss;
    private final Optimizer optimizer;
    private Tensor lossValue; // (1) of the last computeGradients, owned by the loss
    private Tensor output; // the model's output of the last computeGradients, owned by the model
    private Tensor dx; // ∂loss/∂x of the last computeGradients that asked for it, else null

    /** Takes ownership of the three. */
    public ModelStep(Backend backend, Sequential model, Loss loss, Optimizer optimizer) {
        this.backend = backend;
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
    }

    /**
     * The step of {@code model} with a loss and an optimiser made for it; on a failure the model (and whatever was
     * made) is closed before the error goes on.
     */
    public static ModelStep open(Backend backend, Sequential model, Loss.Factory loss, Optimizer.Factory optimizer,
            LrSchedule schedule) {
        Loss made = null;
        try {
            made = loss.create(backend);
            return new ModelStep(backend, model, made, optimizer.create(backend, model.params(), schedule));
        } catch (RuntimeException e) {
            if (made != null) {
                made.close();
            }
            model.close();
            throw e;
        }
    }

    /**
     * Forward, loss, zero-grad and backward: the parameters' gradients (overwritten) of the mean loss of {@code x}
     * against {@code target}. Enqueues the ops without waiting for the device.
     *
     * @param inputGradient whether to compute ∂loss/∂x too ({@link #dx()}); training needs only the parameters'
     * @return the loss, a 1-element tensor owned by the loss and overwritten by the next call
     */
    public Tensor computeGradients(Tensor x, Tensor target, boolean inputGradient) {
        return computeGradients(x, target, inputGradient, 0);
    }

    /**
     * As {@link #computeGradients(Tensor, Tensor, boolean)} for rows of a larger batch: x's first row is row
     * {@code firstRow} of the batch (a data-parallel shard's offset), so that random draws (dropout's masks), keyed
     * by the optimiser's step count and the global row, are those one device would make for the same rows.
     */
    public Tensor computeGradients(Tensor x, Tensor target, boolean inputGradient, int firstRow) {
        return computeGradients(x, target, inputGradient, optimizer.stepCount(), firstRow);
    }

    /**
     * As {@link #computeGradients(Tensor, Tensor, boolean, int)} at step {@code step} of the run, for a replica whose
     * own optimiser does not count the run's steps (a Spark replica, loaded from the driver's state every round).
     */
    public Tensor computeGradients(Tensor x, Tensor target, boolean inputGradient, long step, int firstRow) {
        if (inputGradient) {
            Tensor dy = forwardAndLoss(x, target, step, firstRow);
            dx = model.backward(dy);
            return lossValue;
        }
        parameterGradients(x, target, step, firstRow, layer -> {
        });
        return lossValue;
    }

    /**
     * As {@link #computeGradients(Tensor, Tensor, boolean, int)} without ∂loss/∂x, calling {@code afterLayer} with
     * each layer's index once its backward ops are enqueued, last layer first ({@link
     * Sequential#backwardParametersOnly(Tensor, IntConsumer)}): the same ops in the same order, for a data-parallel
     * step that sums each layer's gradients while the device computes the layers before it.
     */
    public Tensor computeParameterGradients(Tensor x, Tensor target, int firstRow, IntConsumer afterLayer) {
        parameterGradients(x, target, optimizer.stepCount(), firstRow, afterLayer);
        return lossValue;
    }

    private void parameterGradients(Tensor x, Tensor target, long step, int firstRow, IntConsumer afterLayer) {
        Tensor dy = forwardAndLoss(x, target, step, firstRow);
        model.backwardParametersOnly(dy, afterLayer);
        dx = null;
    }

    /** Forward and loss, the gradients zeroed; returns ∂loss/∂output. */
    private Tensor forwardAndLoss(Tensor x, Tensor target, long step, int firstRow) {
        model.setDrawPosition(step, firstRow);
        output = model.forward(x);
        lossValue = loss.forward(output, target);
        model.zeroGrad();
        return loss.backward();
    }

    /** The optimiser's update of every parameter from its gradient. */
    public void update() {
        optimizer.step();
    }

    /** {@link #computeGradients} (parameters only) and {@link #update}; waits for the device and returns the loss. */
    public float step(Tensor x, Tensor target) {
        Tensor value = computeGradients(x, target, false);
        update();
        return backend.readFloats(value)[0]; // the step's one synchronisation point
    }

    /** The loss of the last {@link #computeGradients}, read from the device. */
    public float readLoss() {
        if (lossValue == null) {
            throw new IllegalStateException("no loss yet: computeGradients has not run");
        }
        return backend.readFloats(lossValue)[0];
    }

    /** The model's output of the last {@link #computeGradients}. */
    public Tensor output() {
        return output;
    }

    /** ∂loss/∂x of the last {@link #computeGradients} with {@code inputGradient}, else null. */
    public Tensor dx() {
        return dx;
    }

    public Backend backend() {
        return backend;
    }

    public Sequential model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public void close() {
        try (model; loss; optimizer) {
            // closes all three, the model last
        }
    }
}
