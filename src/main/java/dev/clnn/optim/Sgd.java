package dev.clnn.optim;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.SgdHyper;
import dev.clnn.backend.Tensor;
import dev.clnn.nn.Param;
import java.util.List;

/**
 * Stochastic gradient descent with the semantics of PyTorch's {@code torch.optim.SGD}: weight decay, momentum with
 * dampening, Nesterov. The learning rate of step t (t = 0, 1, …) is {@code schedule.lr(t)}. Each parameter's momentum
 * buffer is allocated at its first update and initialised there to the gradient (PyTorch's {@code clone(d_p)}), so
 * dampening does not apply to the first step. Closing releases the momentum buffers, not the parameters.
 */
public final class Sgd implements Optimizer {
    private final Backend backend;
    private final List<Param> params;
    private final LrSchedule schedule;
    private final float momentum;
    private final float dampening;
    private final float weightDecay;
    private final boolean nesterov;
    private final Tensor[] momentumBufs; // one per param, same shape, null until its first update
    private long t;

    /** @throws IllegalArgumentException on a hyper-parameter {@link SgdHyper} rejects */
    public Sgd(Backend backend, List<Param> params, LrSchedule schedule, float momentum, float dampening,
            float weightDecay, boolean nesterov) {
        // Validates momentum, dampening, weight decay and the Nesterov conditions before any step is taken.
        new SgdHyper(0f, momentum, dampening, weightDecay, nesterov);
        this.backend = backend;
        this.params = List.copyOf(params);
        this.schedule = schedule;
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.momentumBufs = new Tensor[this.params.size()];
    }

    /**
     * The factory of a run's SGD optimisers with these hyper-parameters (checked at once).
     *
     * @throws IllegalArgumentException on a hyper-parameter {@link SgdHyper} rejects
     */
    public static Optimizer.Factory factory(float momentum, float dampening, float weightDecay, boolean nesterov) {
        new SgdHyper(0f, momentum, dampening, weightDecay, nesterov);
        return (backend, params, schedule) -> new Sgd(backend, params, schedule, momentum, dampening, weightDecay,
                nesterov);
    }

    /** One update of every parameter from its current gradient, at rate schedule.lr(stepCount()); then t += 1. */
    @Override
    public void step() {
        SgdHyper hyper = new SgdHyper(currentLr(), momentum, dampening, weightDecay, nesterov);
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            boolean first = false;
            if (hyper.hasMomentum() && momentumBufs[i] == null) {
                momentumBufs[i] = backend.empty(DType.F32, p.shape());
                first = true;
            }
            backend.sgdUpdate(p.value(), momentumBufs[i], p.grad(), p.size(), hyper, first);
        }
        t++;
    }

    /**
     * The learning rate the next {@link #step} uses, schedule.lr(stepCount()).
     *
     * @throws IllegalArgumentException when the schedule gives a rate that is not a finite number ≥ 0
     */
    @Override
    public float currentLr() {
        return (float) schedule.checkedLr(t, "SGD");
    }

    /** The number of updates made so far: the step index t of the next update. */
    @Override
    public long stepCount() {
        return t;
    }

    /**
     * Host copies of the momentum buffers, one per parameter in order; an entry is null while that parameter has not
     * been updated (every entry without momentum). With {@link #loadState} or {@link #restore} this lets a trainer
     * save the optimiser state or move it between replicas.
     */
    @Override
    public float[][] state() {
        float[][] state = new float[momentumBufs.length][];
        for (int i = 0; i < momentumBufs.length; i++) {
            state[i] = momentumBufs[i] == null ? null : backend.readFloats(momentumBufs[i]);
        }
        return state;
    }

    /**
     * Replaces the momentum buffers by {@code state} (as {@link #state} gives it); a null entry leaves that
     * parameter without a buffer, so its next update starts the buffer as a first step does.
     *
     * @throws IllegalArgumentException when the entry count or an entry's length does not match the parameters
     */
    @Override
    public void loadState(float[][] state) {
        if (state.length != params.size()) {
            throw new IllegalArgumentException("momentum state has " + state.length + " buffers, the optimiser has "
                    + params.size() + " parameters");
        }
        for (int i = 0; i < state.length; i++) {
            if (state[i] != null && state[i].length != params.get(i).size()) {
                throw new IllegalArgumentException("momentum buffer " + i + " has " + state[i].length
                        + " values, its parameter " + params.get(i).size());
            }
        }
        for (int i = 0; i < state.length; i++) {
            if (momentumBufs[i] != null) {
                momentumBufs[i].close();
                momentumBufs[i] = null;
            }
            if (state[i] != null) {
                momentumBufs[i] = backend.fromArray(state[i], params.get(i).shape());
            }
        }
    }

    /**
     * Continues a run from a saved state: {@code steps} updates taken and the momentum buffers of
     * {@link #loadState}.
     *
     * @throws IllegalArgumentException when steps is negative, or as {@link #loadState}
     */
    @Override
    public void restore(long steps, float[][] state) {
        if (steps < 0) {
            throw new IllegalArgumentException("SGD state at step " + steps + ": steps must be ≥ 0");
        }
        loadState(state);
        t = steps;
    }

    /** Sets every parameter gradient to 0. */
    public void zeroGrad() {
        for (Param p : params) {
            p.zeroGrad();
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < momentumBufs.length; i++) {
            if (momentumBufs[i] != null) {
                momentumBufs[i].close();
                momentumBufs[i] = null;
            }
        }
    }
}
