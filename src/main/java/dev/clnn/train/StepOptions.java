package dev.clnn.train;

import dev.clnn.model.ModelSpec;
import dev.clnn.nn.Loss;
import dev.clnn.nn.Mse;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.nn.SoftmaxKlDivergence;
import dev.clnn.optim.GradientClipping;
import dev.clnn.optim.AdamSettings;
import dev.clnn.optim.Optimizer;
import dev.clnn.optim.OptimizerKind;
import java.nio.file.Path;

/**
 * What {@code clnn step} is told: K training steps of a model on one batch, writing the loss, the output, ∂L/∂x,
 * every parameter's gradient (all of the last step) and the parameters after the updates, so anyone can compare clnn
 * with PyTorch on their own weights and data.
 *
 * @param loss    "ce" (softmax cross-entropy on class indices), "mse" (squared error against targets) or "kl" (KL
 *                divergence of the softmax of the output from target probabilities, PyTorch's
 *                {@code KLDivLoss(reduction="batchmean")} on {@code log_softmax})
 * @param weights a safetensors file of initial weights, or null for the default initialisation from {@code seed}
 * @param batch   the batch file ({@link StepBatch})
 * @param out     where the results go (safetensors)
 * @param optimizerKind SGD, Adam or AdamW, as {@link TrainOptions#optimizerKind}
 * @param adam    Adam's betas, ε and amsgrad; unused by SGD
 * @param clipGradNorm the global L2 norm the gradients are clipped to before each update, or 0 for no clipping
 */
public record StepOptions(ModelSpec model, String loss, Path weights, Path batch, double lr, float momentum,
        boolean nesterov, float weightDecay, int steps, long seed, Path out, OptimizerKind optimizerKind,
        AdamSettings adam, float clipGradNorm) {
    public StepOptions {
        if (!loss.equals("ce") && !loss.equals("mse") && !loss.equals("kl")) {
            throw new IllegalArgumentException("--loss must be ce, mse or kl, got \"" + loss + "\"");
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("--steps must be positive, got " + steps);
        }
        if (!(clipGradNorm >= 0) || Float.isInfinite(clipGradNorm)) {
            throw new IllegalArgumentException("--clip-grad-norm must be a positive finite number, got "
                    + clipGradNorm);
        }
    }

    /** Whether the batch's y holds class indices (the cross-entropy) rather than targets of the output's shape. */
    public boolean classIndices() {
        return loss.equals("ce");
    }

    /** Whether the batch's y holds a probability distribution per row (the KL divergence). */
    public boolean probabilities() {
        return loss.equals("kl");
    }

    /** The loss {@link #loss} names. */
    public Loss.Factory lossFunction() {
        return switch (loss) {
            case "ce" -> SoftmaxCrossEntropy::new;
            case "kl" -> SoftmaxKlDivergence::new;
            default -> Mse::new;
        };
    }

    /** The optimiser, as {@link TrainOptions#optimizer()} makes it, after any clipping. */
    public Optimizer.Factory optimizer() {
        return GradientClipping.factory(optimizerKind.factory(momentum, nesterov, weightDecay, adam), clipGradNorm);
    }
}
