package dev.clnn.optim;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.nn.Param;
import java.util.List;

/**
 * Clips the gradients by their global L2 norm before each step of another optimiser, as PyTorch's
 * {@code torch.nn.utils.clip_grad_norm_(params, maxNorm)} before {@code optimizer.step()}: total = sqrt(Σ over every
 * parameter of Σ g²), and every gradient is multiplied by min(maxNorm / (total + 1e-6), 1). The sum of squares stays
 * on the device and the scaling kernel reads it there, so a step reads nothing back to the host. In a data-parallel
 * step the update runs after the all-reduce, so the norm is that of the summed gradient, as on one device. The state,
 * step count and learning rate are the wrapped optimiser's: clipping keeps no state of its own.
 */
public final class GradientClipping implements Optimizer {
    private final Backend backend;
    private final List<Param> params;
    private final Optimizer inner;
    private final float maxNorm;
    private final Tensor sumSquares; // (1): Σ g² over every parameter of the current step

    /** @throws IllegalArgumentException when maxNorm is not a positive finite number */
    public GradientClipping(Backend backend, List<Param> params, Optimizer inner, float maxNorm) {
        requireMaxNorm(maxNorm);
        this.backend = backend;
        this.params = List.copyOf(params);
        this.inner = inner;
        this.maxNorm = maxNorm;
        this.sumSquares = backend.empty(DType.F32, 1);
    }

    /**
     * The factory of optimisers that clip to {@code maxNorm} and then step as {@code inner}'s do; 0 means no
     * clipping and gives {@code inner} itself.
     *
     * @throws IllegalArgumentException when maxNorm is negative, NaN or infinite
     */
    public static Optimizer.Factory factory(Optimizer.Factory inner, float maxNorm) {
        if (maxNorm == 0f) {
            return inner;
        }
        requireMaxNorm(maxNorm);
        return (backend, params, schedule) -> {
            Optimizer made = inner.create(backend, params, schedule);
            try {
                return new GradientClipping(backend, params, made, maxNorm);
            } catch (RuntimeException e) {
                made.close();
                throw e;
            }
        };
    }

    private static void requireMaxNorm(float maxNorm) {
        if (!(maxNorm > 0) || Float.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("--clip-grad-norm must be a positive finite number, got " + maxNorm);
        }
    }

    /** The norm the gradients are clipped to. */
    public float maxNorm() {
        return maxNorm;
    }

    /** Clips every gradient in place by the global norm, then steps the wrapped optimiser. */
    @Override
    public void step() {
        backend.fill(sumSquares, 0f);
        for (Param p : params) {
            backend.sumSquares(sumSquares, p.grad(), p.size());
        }
        for (Param p : params) {
            backend.clipGradNorm(p.grad(), sumSquares, p.size(), maxNorm);
        }
        inner.step();
    }

    @Override
    public float currentLr() {
        return inner.currentLr();
    }

    @Override
    public long stepCount() {
        return inner.stepCount();
    }

    @Override
    public float[][] state() {
        return inner.state();
    }

    @Override
    public void loadState(float[][] state) {
        inner.loadState(state);
    }

    @Override
    public void restore(long steps, float[][] state) {
        inner.restore(steps, state);
    }

    @Override
    public void close() {
        try (inner) {
            sumSquares.close();
        }
    }
}
