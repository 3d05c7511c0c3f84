package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.profile.ProfiledBackend;
import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.checkpoint.TrainingPosition;
import dev.clnn.checkpoint.TrainingState;
import dev.clnn.data.Batch;
import dev.clnn.data.BatchIterator;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.LrScheduleParser;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Mini-batch SGD training of a classifier with softmax cross-entropy: progress within each epoch, a line per epoch
 * (train loss, test loss and accuracy, learning rate, samples/s), and as the last line the final test accuracy.
 * With a plot file, the loss, test accuracy and learning rate are drawn at the end, and also when a non-finite
 * loss stops the run, so the plot shows how it diverged. On a {@link dev.clnn.backend.profile.ProfiledBackend}, the profile
 * of the training steps (all but the first, which builds the kernels; evaluation left out) is printed before the
 * last line.
 */
public final class Trainer {
    private final TrainingStep.Factory steps;
    private final TrainOptions options;
    private final PrintStream out;
    private final Progress progress;
    private final CheckpointOptions checkpoints;
    private final StopRequest stop;
    private StepProfile profile = new StepProfile(null);
    private String deviceName = "";

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
        if (options.plot() != null) {
            // Before training, not after an hour of it.
            OptionalDependency.XCHART.require("a plot (TrainOptions.plot, --plot)");
        }
        this.steps = steps;
        this.options = options;
        this.out = out;
        this.progress = Progress.create(out, !options.quiet(), interactive);
        this.checkpoints = checkpoints;
        this.stop = stop;
    }

    /**
     * Trains (or continues from the newest training state, when resuming), evaluates after every epoch, saves and
     * plots when asked, and returns the final evaluation.
     *
     * @throws TrainingStoppedException when a stop was requested; the plot and metrics so far are written first
     */
    public Evaluation run(DatasetSplit data) {
        RunState run = new RunState();
        Evaluation test;
        try {
            test = train(data, run);
        } catch (NonFiniteLossException | TrainingStoppedException e) {
            progress.endEpoch();
            plot(run.history);
            throw e;
        } finally {
            progress.endEpoch();
        }
        plot(run.history);
        profile.lines(deviceName).forEach(out::println);
        out.printf(Locale.ROOT, "test accuracy %.2f%%%n", 100 * test.accuracy());
        return test;
    }

    /** What {@link #run} shows even when training ends early: the history, replaced when a state is resumed. */
    private static final class RunState {
        TrainingHistory history = new TrainingHistory();
    }

    private void plot(TrainingHistory history) {
        if (options.plot() != null && history.steps() > 0) {
            TrainingPlot.write(options.plot(), history);
            if (!options.quiet()) {
                out.println("plotted " + options.plot());
            }
        }
    }

    private Evaluation train(DatasetSplit data, RunState run) {
        Dataset train = data.train();
        int[] sample = Models.inputShape(options.model(), train.sampleShape());
        int stepsPerEpoch = (train.n() + options.batch() - 1) / options.batch();
        long totalSteps = (long) stepsPerEpoch * options.epochs();
        LrSchedule schedule = LrScheduleParser.parse(options.schedule(), options.lr(), totalSteps, options.warmup());
        StateDirectory states = checkpoints.dir() == null ? null
                : new StateDirectory(checkpoints.dir(), checkpoints.keep());

        try (TrainingStep step = steps.open(options, sample, schedule)) {
            Sequential model = step.model();
            Backend backend = step.backend();
            profile = new StepProfile(backend);
            deviceName = backend.name();
            checkClassifier(model, sample, train.classes());
            Map<String, String> settings = states == null ? Map.of()
                    : RunSettings.of(options, checkpoints, data, step.description());
            TrainingPosition at = new TrainingPosition(1, 0, 0, 0, 0);
            MetricsLog metrics = options.metrics() == null ? null : new MetricsLog(options.metrics());
            if (checkpoints.resume()) {
                TrainingState state = resumeFrom(states, settings, step);
                at = state.position();
                run.history = TrainingHistory.fromCurves(state.curves());
                if (metrics != null) {
                    metrics = new MetricsLog(options.metrics(), state.metricsCsv());
                }
            }
            if (!options.quiet()) {
                out.printf(Locale.ROOT, "training %s on %s: %d train / %d test samples, %d epochs, batch %d, %s%n",
                        options.model().text(), step.description(), train.n(), data.test().n(), options.epochs(),
                        options.batch(), schedule);
            }
            TrainingHistory history = run.history;
            Evaluation test = null;
            profile.discard();
            for (int epoch = at.epoch(); epoch <= options.epochs(); epoch++) {
                long start = System.nanoTime();
                boolean resumedEpoch = epoch == at.epoch();
                double lossSum = resumedEpoch ? at.epochLossSum() : 0;
                int seen = resumedEpoch ? at.epochSeen() : 0;
                long seenHere = 0; // by this process: the rate of a resumed epoch counts only these
                int batchesDone = 0;
                double lr = 0;
                BatchIterator batches = BatchIterator.shuffled(train, options.batch(), options.seed(), epoch);
                for (; resumedEpoch && batchesDone < at.batchesDone(); batchesDone++) {
                    batches.next(); // trained before the interruption
                }
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    long stepStart = System.nanoTime();
                    lr = step.currentLr();
                    float value = step.step(batch);
                    profile.stepDone(System.nanoTime() - stepStart);
                    history.step(value, lr);
                    batchesDone++;
                    if (!Float.isFinite(value) && options.stopOnNonFinite()) {
                        throw new NonFiniteLossException("loss became " + value + " at step " + step.stepCount()
                                + " (epoch " + epoch + "); lower --lr or check the data");
                    }
                    if (step.stepCount() == 1 && !options.quiet()) {
                        out.printf(Locale.ROOT, "first step finished %.2f s after the process started%n",
                                (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
                                        / 1e3);
                    }
                    lossSum += (double) value * batch.rows();
                    seen += batch.rows();
                    seenHere += batch.rows();
                    double rate = seenHere / seconds(start);
                    if (metrics != null) {
                        metrics.step(step.stepCount(), epoch, value, lr, rate);
                    }
                    progress.update(epoch, options.epochs(), seen, train.n(), lossSum / seen, rate);
                    boolean periodic = checkpoints.everySteps() > 0 && step.stepCount() % checkpoints.everySteps() == 0
                            && batches.hasNext(); // the epoch end writes its own state
                    if (periodic || stop.requested(step.stepCount())) {
                        TrainingPosition now = new TrainingPosition(epoch, batchesDone, step.stepCount(), lossSum,
                                seen);
                        Path written = states == null ? null : states.write(TrainingStates.capture(settings, now,
                                step, history, metrics));
                        stopIfRequested(step, epoch, written, metrics);
                    }
                }
                double rate = seenHere / seconds(start);
                String deviceNote = step.epochNote();
                test = Evaluator.evaluate(backend, model, data.test(), sample, Math.max(options.batch(), 256));
                profile.discard();
                if (metrics != null) {
                    metrics.epochEnd(test);
                }
                history.epoch(lossSum / seen, test);
                progress.endEpoch();
                if (!options.quiet()) {
                    out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  test loss %.4f  test accuracy %.2f%%  "
                            + "lr %.5f  %.0f samples/s%s%n", epoch, options.epochs(), lossSum / seen, test.loss(),
                            100 * test.accuracy(), lr, rate, deviceNote);
                }
                if (states != null) {
                    Path written = states.write(TrainingStates.capture(settings,
                            new TrainingPosition(epoch + 1, 0, step.stepCount(), 0, 0), step, history, metrics));
                    stopIfRequested(step, epoch, written, metrics);
                }
            }
            if (test == null) {
                // Resumed from the state written after the last epoch: evaluate the weights it holds.
                test = Evaluator.evaluate(backend, model, data.test(), sample, Math.max(options.batch(), 256));
            }
            if (options.save() != null) {
                Checkpoint.save(options.save(), model, backend, Map.of("model", options.model().text(),
                        "format", "pt"));
                if (!options.quiet()) {
                    out.println("saved " + options.save());
                }
            }
            return test;
        }
    }

    /**
     * The newest intact state in {@code states}, checked to belong to this run and written into {@code step}'s
     * replicas; a line per damaged state skipped, and one for a change of device.
     */
    private TrainingState resumeFrom(StateDirectory states, Map<String, String> settings, TrainingStep step) {
        StateDirectory.Loaded loaded = states.newestIntact(out::println);
        TrainingState state = loaded.state();
        TrainingPosition at = state.position();
        String note = RunSettings.requireSameRun(state.settings(), settings, at.epoch() - 1);
        if (note != null) {
            out.println(note);
        }
        TrainingStates.restore(state, step);
        if (!options.quiet()) {
            out.printf(Locale.ROOT, "resuming from %s: epoch %d, %d steps done%n", loaded.file(), at.epoch(),
                    at.steps());
        }
        return state;
    }

    /** Ends the run with {@link TrainingStoppedException} when a stop was requested, the metrics written first. */
    private void stopIfRequested(TrainingStep step, int epoch, Path written, MetricsLog metrics) {
        if (!stop.requested(step.stepCount())) {
            return;
        }
        if (metrics != null) {
            metrics.flush();
        }
        throw new TrainingStoppedException(stop.reason(), step.stepCount(), epoch, options.epochs(), written);
    }

    /** The model must map one sample to [1, C] scores with C at least the number of classes. */
    static void checkClassifier(Sequential model, int[] sample, int classes) {
        int[] out = model.outputShape(Models.batchShape(1, sample));
        if (out.length != 2 || out[1] < classes) {
            throw new IllegalArgumentException("the model maps [N, " + Arrays.toString(sample).replaceAll("[\\[\\]]",
                    "") + "] inputs to " + Arrays.toString(out).replace("1, ", "N, ") + " but a classifier of "
                    + classes + " classes needs [N, " + classes + "]");
        }
    }

    private static double seconds(long start) {
        return Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    }
}
