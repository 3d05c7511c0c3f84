package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import java.io.PrintStream;

/**
 * Mini-batch training in this process, on one device or several ({@link TrainingStep}), over a data
 * set held in memory: the one epoch loop ({@link EpochLoop}: progress, epoch lines, evaluation, metrics, plot,
 * training states, the final test figures as the last lines) over rounds of one step each.
 */
public final class Trainer {
    private final TrainingStep.Factory steps;
    private final TrainOptions options;
    private final EpochLoop loop;

    /**
     * A run on one backend that keeps no training state and is never asked to stop.
     *
     * @param interactive whether {@code out} is a terminal, where progress is a bar redrawn in place (when
     *                    me.tongfei:progressbar is on the class path; else plain lines)
     * @throws IllegalStateException when a plot is asked for and XChart is not on the class path
     */
    public Trainer(Backend backend, TrainOptions options, PrintStream out, boolean interactive) {
        this(SingleDeviceStep.factory(backend), options, CheckpointOptions.none(), new StopRequest(), out,
                interactive);
    }

    /**
     * A trainer whose steps {@code steps} opens, e.g. on several devices ({@code dev.clnn.parallel}); the other
     * arguments as in {@link #Trainer(Backend, TrainOptions, PrintStream, boolean)}.
     */
    public Trainer(TrainingStep.Factory steps, TrainOptions options, PrintStream out, boolean interactive) {
        this(steps, options, CheckpointOptions.none(), new StopRequest(), out, interactive);
    }

    /**
     * A run on one backend that writes its training state as {@code checkpoints} says (and continues from one when
     * it says so), and stops after the step in which {@code stop} is requested, writing a state first when it keeps
     * states.
     *
     * @throws IllegalStateException when a plot is asked for and XChart is not on the class path
     */
    public Trainer(Backend backend, TrainOptions options, CheckpointOptions checkpoints, StopRequest stop,
            PrintStream out, boolean interactive) {
        this(SingleDeviceStep.factory(backend), options, checkpoints, stop, out, interactive);
    }

    /**
     * The general form: steps from {@code steps} (one device or several), training states as {@code checkpoints}
     * says, a stop when {@code stop} is requested.
     *
     * @throws IllegalStateException when a plot is asked for and XChart is not on the class path
     */
    public Trainer(TrainingStep.Factory steps, TrainOptions options, CheckpointOptions checkpoints, StopRequest stop,
            PrintStream out, boolean interactive) {
        this.loop = new EpochLoop(options, checkpoints, stop, out, interactive);
        this.steps = steps;
        this.options = options;
    }

    /** Tells {@code observer} of the steps (e.g. a profile of them); it reports before the last line. */
    public Trainer observe(StepObserver observer) {
        loop.observe(observer);
        return this;
    }

    /**
     * Trains (or continues from the newest training state, when resuming), evaluates after every epoch, saves and
     * plots when asked, and returns the final evaluation.
     *
     * @throws TrainingStoppedException when a stop was requested; the plot and metrics so far are written first
     */
    public Evaluation run(DatasetSplit data) {
        return run(TrainingData.of(data));
    }

    /**
     * As {@link #run(DatasetSplit)}, saving {@code data}'s metadata and extra tensors (the standardization) with the
     * weights.
     */
    public Evaluation run(TrainingData data) {
        DatasetSplit split = data.split();
        Dataset train = split.train();
        options.loss().requireFits(train, "the training set");
        options.loss().requireFits(split.test(), "the test set");
        EpochLoop.Data about = new EpochLoop.Data(train.n(), train.sampleShape(), train.classes(), split.test(),
                () -> RunSettings.dataDigest(split), data.metadata(), data.tensors());
        return loop.run(about, (sample, schedule) -> new LocalRounds(steps.open(options, sample, schedule), train,
                options.batch(), options.seed()));
    }
}
