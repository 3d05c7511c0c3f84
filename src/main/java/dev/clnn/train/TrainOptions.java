package dev.clnn.train;

import dev.clnn.model.ModelSpec;
import dev.clnn.nn.Loss;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.Optimizer;
import dev.clnn.optim.Sgd;
import java.nio.file.Path;

/**
 * Everything {@code clnn train} is told. Defaults (see {@link #defaults()}) are PyTorch's recipe for this data:
 * SGD 0.05 with momentum 0.9, cosine annealing over the whole run, batch 64, 10 epochs.
 *
 * @param dataDir a folder of MNIST IDX files, or null for the bundled set
 * @param save    where to write the final weights (safetensors), or null
 * @param metrics where to write per-step metrics (CSV), or null
 * @param plot    where to draw loss, test accuracy and learning rate (PNG), or null
 */
public record TrainOptions(ModelSpec model, Path dataDir, int epochs, int batch, double lr, float momentum,
        boolean nesterov, float weightDecay, String schedule, long warmup, long seed, Path save, Path metrics,
        Path plot, boolean quiet, boolean stopOnNonFinite) {

    public TrainOptions {
        if (epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be positive, got " + epochs);
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr must be a finite number ≥ 0, got " + lr);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be ≥ 0, got " + warmup);
        }
    }

    /** The loss the run minimises: softmax cross-entropy of the scores against the class labels. */
    public Loss.Factory loss() {
        return SoftmaxCrossEntropy::new;
    }

    /** The run's optimiser: SGD with these options' momentum, Nesterov flag and weight decay (no dampening). */
    public Optimizer.Factory optimizer() {
        return Sgd.factory(momentum, 0f, weightDecay, nesterov);
    }

    public static TrainOptions defaults() {
        return new TrainOptions(ModelSpec.parse("mlp"), null, 10, 64, 0.05, 0.9f, false, 0f, "cosine", 0, 1, null,
                null, null, false, true);
    }
}
