package dev.clnn.spark;

import dev.clnn.nn.Loss;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.LrScheduleParser;
import dev.clnn.optim.Optimizer;
import dev.clnn.optim.Sgd;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What every replica needs to know about the run, sent with each task: the model (as its spec text), the per-sample
 * input shape, and the optimiser's hyper-parameters with the schedule over the whole run.
 */
record TrainingSetup(String model, int[] inputShape, String schedule, double lr, long totalSteps, long warmup,
        float momentum, boolean nesterov, float weightDecay) implements Serializable {

    /** The learning-rate schedule of the whole run, indexed by the global step. */
    LrSchedule lrSchedule() {
        return LrScheduleParser.parse(schedule, lr, totalSteps, warmup);
    }

    /** The loss the replicas minimise: that of {@code clnn train}. */
    Loss.Factory loss() {
        return SoftmaxCrossEntropy::new;
    }

    /** The replicas' optimiser: SGD with these hyper-parameters, as {@code clnn train} has it. */
    Optimizer.Factory optimizer() {
        return Sgd.factory(momentum, 0f, weightDecay, nesterov);
    }

    /** Equal for two setups exactly when a replica built for one serves the other (records compare arrays by identity). */
    String key() {
        return String.join("|", model, Arrays.toString(inputShape), schedule, Double.toString(lr),
                Long.toString(totalSteps), Long.toString(warmup), Float.toString(momentum), Boolean.toString(nesterov),
                Float.toString(weightDecay));
    }
}
