package dev.clnn.spark;

import dev.clnn.optim.AdamSettings;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.LrScheduleParser;
import dev.clnn.optim.OptimizerKind;
import dev.clnn.train.LossKind;
import dev.clnn.train.TrainOptions;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What every replica needs to know about the run, sent with each task: the model (as its spec text) and the seed that
 * keys its dropout masks, the loss (as its {@link LossKind#text()}), the per-sample input shape, and the optimiser's
 * hyper-parameters with the schedule over the whole run. {@link TrainOptions} is not serializable, so the setup carries these parts of it as text and numbers
 * and a replica rebuilds them ({@link #options()}): the loss and the optimiser are made by {@link TrainOptions}, as in
 * {@code clnn train}, not here.
 */
record TrainingSetup(String model, String loss, int[] inputShape, String schedule, double lr, long totalSteps,
        long warmup, float momentum, boolean nesterov, float weightDecay, float clipGradNorm, String optimizer,
        double beta1, double beta2, double eps, boolean amsgrad, long seed) implements Serializable {

    /** What a replica needs of {@code options}, for a model input of {@code inputShape} and a run of totalSteps. */
    static TrainingSetup of(TrainOptions options, int[] inputShape, long totalSteps) {
        return new TrainingSetup(options.model().text(), options.loss().text(), inputShape.clone(), options.schedule(),
                options.lr(), totalSteps, options.warmup(), options.momentum(), options.nesterov(),
                options.weightDecay(), options.clipGradNorm(), options.optimizerKind().text(), options.adam().beta1(),
                options.adam().beta2(), options.adam().eps(), options.adam().amsgrad(), options.seed());
    }

    /**
     * The run's options as far as a replica's step reads them: model, loss ({@link TrainOptions#loss()}, whose
     * {@link LossKind#factory()} the step uses) and optimiser ({@link TrainOptions#optimizer()}); the rest are the
     * defaults, which the step does not read.
     */
    TrainOptions options() {
        return TrainOptions.builder().model(model).loss(LossKind.parse(loss)).sgd(lr, momentum).nesterov(nesterov)
                .weightDecay(weightDecay).clipGradNorm(clipGradNorm).optimizer(OptimizerKind.parse(optimizer))
                .adam(new AdamSettings(beta1, beta2, eps, amsgrad)).schedule(schedule).warmup(warmup).seed(seed)
                .build();
    }

    /** The learning-rate schedule of the whole run, indexed by the global step. */
    LrSchedule lrSchedule() {
        return LrScheduleParser.parse(schedule, lr, totalSteps, warmup);
    }

    /** Equal for two setups exactly when a replica built for one serves the other (records compare arrays by identity). */
    String key() {
        return String.join("|", model, loss, Arrays.toString(inputShape), schedule, Double.toString(lr),
                Long.toString(totalSteps), Long.toString(warmup), Float.toString(momentum), Boolean.toString(nesterov),
                Float.toString(weightDecay), Float.toString(clipGradNorm), optimizer, Double.toString(beta1),
                Double.toString(beta2), Double.toString(eps), Boolean.toString(amsgrad), Long.toString(seed));
    }
}
