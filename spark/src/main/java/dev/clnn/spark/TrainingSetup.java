package dev.clnn.spark;

import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.LrScheduleParser;
import java.io.Serializable;

/**
 * What every replica needs to know about the run, sent with each task: the model (as its spec text), the per-sample
 * input shape, and the SGD hyper-parameters with the schedule over the whole run.
 */
record TrainingSetup(String model, int[] inputShape, String schedule, double lr, long totalSteps, long warmup,
        float momentum, boolean nesterov, float weightDecay) implements Serializable {

    /** The learning-rate schedule of the whole run, indexed by the global step. */
    LrSchedule lrSchedule() {
        return LrScheduleParser.parse(schedule, lr, totalSteps, warmup);
    }
}
