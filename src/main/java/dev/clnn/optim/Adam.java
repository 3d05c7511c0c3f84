package dev.clnn.optim;

import dev.clnn.backend.AdamHyper;
import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.nn.Param;
import java.util.List;

/**
 * Adam and AdamW with the semantics of PyTorch's {@code torch.optim.Adam} and {@code AdamW}: bias-corrected
 * moments, ε added after the square root, weight decay as an L2 term of the gradient (Adam) or decoupled from it
 * (AdamW), and amsgrad. Update t (t = 0, 1, …) runs at rate {@code schedule.lr(t)} and is PyTorch's step t + 1. Each
 * parameter's moments are allocated at its first update, as zeros. Closing releases them, not the parameters.
 */
public final class Adam implements Optimizer {
    private final Backend backend;
    private final List<Param> params;
    private final LrSchedule schedule;
    private final AdamSettings settings;
    private final float weightDecay;
    private final boolean decoupled;
    private final Tensor[][] moments; // per param: m, v and with amsgrad vmax, each of its shape; null until used
    private long t;

    /** @throws IllegalArgumentException on a hyper-parameter {@link AdamHyper} rejects */
    public Adam(Backend backend, List<Param> params, LrSchedule schedule, AdamSettings settings, float weightDecay,
            boolean decoupled) {
        hyper(settings, 0, weightDecay, decoupled, 1); // validates before any step is taken
        this.backend = backend;
        this.params = List.copyOf(params);
        this.schedule = schedule;
        this.settings = settings;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.moments = new Tensor[this.params.size()][];
    }

    /**
     * The factory of a run's Adam ({@code decoupled} false) or AdamW optimisers with these hyper-parameters (checked
     * at once).
     *
     * @throws IllegalArgumentException on a hyper-parameter {@link AdamHyper} rejects
     */
    public static Optimizer.Factory factory(AdamSettings settings, float weightDecay, boolean decoupled) {
        hyper(settings, 0, weightDecay, decoupled, 1);
        return (backend, params, schedule) -> new Adam(backend, params, schedule, settings, weightDecay, decoupled);
    }

    private static AdamHyper hyper(AdamSettings s, double lr, float weightDecay, boolean decoupled, long step) {
        return new AdamHyper(lr, s.beta1(), s.beta2(), s.eps(), weightDecay, decoupled, s.amsgrad(), step);
    }

    private int buffers() {
        return settings.amsgrad() ? 3 : 2;
    }

    /** One update of every parameter from its current gradient, at rate schedule.lr(stepCount()); then t += 1. */
    @Override
    public void step() {
        AdamHyper hyper = hyper(settings, schedule.checkedLr(t, "Adam"), weightDecay, decoupled, t + 1);
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            if (moments[i] == null) {
                moments[i] = new Tensor[buffers()];
                for (int k = 0; k < buffers(); k++) {
                    moments[i][k] = backend.empty(DType.F32, p.shape());
                    backend.fill(moments[i][k], 0f);
                }
            }
            Tensor[] s = moments[i];
            backend.adamUpdate(p.value(), s[0], s[1], settings.amsgrad() ? s[2] : null, p.grad(), p.size(), hyper);
        }
        t++;
    }

    /**
     * The learning rate the next {@link #step} uses, schedule.lr(stepCount()), rounded to float for display; the
     * update itself takes the schedule's double, as PyTorch takes its Python float.
     *
     * @throws IllegalArgumentException when the schedule gives a rate that is not a finite number ≥ 0
     */
    @Override
    public float currentLr() {
        return (float) schedule.checkedLr(t, "Adam");
    }

    @Override
    public long stepCount() {
        return t;
    }

    /**
     * Host copies of each parameter's moments, concatenated [m, v] (and vmax with amsgrad), so an entry holds 2 or 3
     * times its parameter's values; null while that parameter has not been updated.
     */
    @Override
    public float[][] state() {
        float[][] state = new float[moments.length][];
        for (int i = 0; i < moments.length; i++) {
            if (moments[i] == null) {
                continue;
            }
            int size = params.get(i).size();
            state[i] = new float[buffers() * size];
            for (int k = 0; k < buffers(); k++) {
                System.arraycopy(backend.readFloats(moments[i][k]), 0, state[i], k * size, size);
            }
        }
        return state;
    }

    /**
     * Replaces the moments by {@code state} (as {@link #state} gives it); a null entry leaves that parameter without
     * moments, so its next update starts them at zero.
     *
     * @throws IllegalArgumentException when the entry count or an entry's length does not match the parameters
     */
    @Override
    public void loadState(float[][] state) {
        if (state.length != params.size()) {
            throw new IllegalArgumentException("Adam state has " + state.length + " buffers, the optimiser has "
                    + params.size() + " parameters");
        }
        for (int i = 0; i < state.length; i++) {
            long want = (long) buffers() * params.get(i).size();
            if (state[i] != null && state[i].length != want) {
                throw new IllegalArgumentException("Adam state " + i + " has " + state[i].length + " values, "
                        + (settings.amsgrad() ? "[m, v, vmax]" : "[m, v]") + " of its parameter " + want
                        + (state[i].length == params.get(i).size() ? " (an SGD momentum buffer?)" : ""));
            }
        }
        close();
        for (int i = 0; i < state.length; i++) {
            if (state[i] == null) {
                continue;
            }
            int size = params.get(i).size();
            moments[i] = new Tensor[buffers()];
            for (int k = 0; k < buffers(); k++) {
                float[] part = new float[size];
                System.arraycopy(state[i], k * size, part, 0, size);
                moments[i][k] = backend.fromArray(part, params.get(i).shape());
            }
        }
    }

    @Override
    public void restore(long steps, float[][] state) {
        if (steps < 0) {
            throw new IllegalArgumentException("Adam state at step " + steps + ": steps must be ≥ 0");
        }
        loadState(state);
        t = steps;
    }

    @Override
    public void close() {
        for (int i = 0; i < moments.length; i++) {
            if (moments[i] != null) {
                for (Tensor x : moments[i]) {
                    x.close();
                }
                moments[i] = null;
            }
        }
    }
}
