package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.model.FirstStepOps;
import dev.clnn.model.Models;
import java.io.PrintStream;
import java.util.Objects;

/**
 * Mini-batch training in this process, on one device or several ({@link TrainingStep}), over a data
 * set held in memory: the one epoch loop ({@link EpochLoop}: progress, epoch lines, evaluation, metrics, plot,
 * training states, the final test figures as the last lines) over rounds of one step each. {@link #run} returns the
 * final evaluation; {@link #fit} returns the trained model, to predict with and save ({@link TrainedModel}).
 * Listeners ({@link #onEpochEnd}) and early stopping ({@link #stopEarly}) are registered before either.
 */
public final class Trainer {
    private final TrainingStep.Factory steps; // null when the backend is opened from device at each run
    private final String device;
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
        this(steps, null, options, checkpoints, stop, out, interactive);
    }

    /**
     * A run on the device {@code device} names, as {@code --device} takes it ({@code auto}, {@code cpu},
     * {@code opencl:0}, … see {@link Backends#open(String)}), opened when a run starts: {@link #fit} hands the
     * backend to the {@link TrainedModel}, which closes it; {@link #run} closes it at the end of the run. Progress
     * goes to {@code out} as plain lines, no training state is kept, and no stop is ever requested.
     *
     * @throws IllegalStateException when a plot is asked for and XChart is not on the class path
     */
    public Trainer(String device, TrainOptions options, PrintStream out) {
        this(null, Objects.requireNonNull(device, "device"), options, CheckpointOptions.none(),
                new StopRequest(), out, false);
    }

    private Trainer(TrainingStep.Factory steps, String device, TrainOptions options, CheckpointOptions checkpoints,
            StopRequest stop, PrintStream out, boolean interactive) {
        this.loop = new EpochLoop(options, checkpoints, stop, out, interactive);
        this.steps = steps;
        this.device = device;
        this.options = options;
    }

    /** Tells {@code observer} of the steps (e.g. a profile of them); it reports before the last line. */
    public Trainer observe(StepObserver observer) {
        loop.observe(observer);
        return this;
    }

    /** Tells {@code listener} of the end of every epoch, after those registered before it. */
    public Trainer onEpochEnd(EpochListener listener) {
        loop.onEpochEnd(listener);
        return this;
    }

    /**
     * Ends the run early as {@code rule} says (null: never).
     *
     * @throws IllegalArgumentException when the run's loss does not measure the monitored figure (test_accuracy in an
     *                                  mse run, say), naming those it does
     */
    public Trainer stopEarly(EarlyStopping rule) {
        loop.stopEarly(rule);
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
        if (steps != null) {
            return train(data, steps, false).test();
        }
        try (Backend backend = open()) {
            return train(data, SingleDeviceStep.factory(backend), false).test();
        }
    }

    /**
     * Trains on {@code train}, testing on {@code test} after every epoch, and returns the trained model; as
     * {@link #fit(TrainingData)} with nothing saved beside the weights.
     */
    public TrainedModel fit(Dataset train, Dataset test) {
        return fit(TrainingData.of(new DatasetSplit(train, test)));
    }

    /**
     * Trains as {@link #run(TrainingData)} does (the same epoch lines, training states, saving, final lines) and
     * returns the trained model: its weights (the best epoch's where early stopping restored them), history and final
     * evaluation, with {@code data}'s metadata and standardization to predict from raw rows and to save. Close it.
     *
     * @throws TrainingStoppedException when a stop was requested; no model is returned
     */
    public TrainedModel fit(TrainingData data) {
        if (steps != null) {
            return trained(data, steps, null);
        }
        Backend backend = open();
        try {
            return trained(data, SingleDeviceStep.factory(backend), backend);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    /** The model of a run, on the backend of its first replica, which {@code owned} is when the model owns it. */
    private TrainedModel trained(TrainingData data, TrainingStep.Factory factory, Backend owned) {
        Backend[] on = new Backend[1];
        TrainingStep.Factory noting = (o, sample, schedule) -> {
            TrainingStep step = factory.open(o, sample, schedule);
            on[0] = step.backend();
            return step;
        };
        EpochLoop.Finished done = train(data, noting, true);
        Dataset train = data.split().train();
        return new TrainedModel(on[0], owned != null, options, Models.inputShape(options.model(),
                train.sampleShape()), done.params(), done.buffers(), about(data), done.history(), done.test());
    }

    private EpochLoop.Finished train(TrainingData data, TrainingStep.Factory factory, boolean keepParams) {
        DatasetSplit split = data.split();
        Dataset train = split.train();
        options.loss().requireFits(train, "the training set");
        options.loss().requireFits(split.test(), "the test set");
        return loop.run(about(data), (sample, schedule) -> new LocalRounds(factory.open(options, sample, schedule),
                train, options.batch(), options.seed()), keepParams);
    }

    private static EpochLoop.Data about(TrainingData data) {
        DatasetSplit split = data.split();
        Dataset train = split.train();
        return new EpochLoop.Data(train.n(), train.sampleShape(), train.classes(), split.test(),
                () -> RunSettings.dataDigest(split), data.metadata(), data.tensors());
    }

    /** The backend {@link #device} names, with the programs of the model's first step built early. */
    private Backend open() {
        return Backends.open(device, FirstStepOps.of(options.model()));
    }
}
