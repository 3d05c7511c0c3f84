package dev.clnn.train;

import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.checkpoint.TrainingPosition;
import dev.clnn.checkpoint.TrainingState;
import dev.clnn.data.Dataset;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.LrScheduleParser;
import dev.clnn.optim.OptimizerKind;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one epoch loop of a training run, whatever runs its steps ({@link TrainingRounds}: this process, or Spark) and
 * whatever its loss ({@link LossKind}): progress within each epoch, a line per epoch (train loss, the test figures,
 * learning rate, samples/s), evaluation after every epoch, {@link EpochListener}s told of each epoch's end there,
 * {@link EarlyStopping} (with the best epoch's parameters restored), the metrics CSV, the plot (also when a
 * non-finite loss stops the run, so it shows how it diverged), the stop on a non-finite loss, training states to
 * resume from, and as the last lines the final test figures ({@code test accuracy …}, or {@code test rmse …} and
 * {@code test r2 …}). A {@link StepObserver} (a profile of the steps, say) reports before those lines.
 */
public final class EpochLoop {
    private final TrainOptions options;
    private final CheckpointOptions checkpoints;
    private final StopRequest stop;
    private final PrintStream out;
    private final Progress progress;
    private StepObserver observer = StepObserver.NONE;
    private final List<EpochListener> listeners = new ArrayList<>();
    private EarlyStopping earlyStopping;

    /**
     * What the loop needs to know of the data.
     *
     * @param trainRows   the training rows
     * @param sampleShape one sample's shape
     * @param outputs     what the model must output per sample: the classes, or the float targets
     * @param test        the test set, evaluated after every epoch
     * @param digest      the data's identity, for training states
     * @param metadata    safetensors metadata saved with the weights ({@link TrainingData})
     * @param tensors     extra tensors saved with the weights (a standardization)
     */
    public record Data(int trainRows, int[] sampleShape, int outputs, TestSet test, Supplier<String> digest,
            Map<String, String> metadata, Map<String, float[]> tensors) {
        /** A run's data whose test rows are in this process, evaluated on the rounds' device. */
        public Data(int trainRows, int[] sampleShape, int outputs, Dataset test, Supplier<String> digest,
                Map<String, String> metadata, Map<String, float[]> tensors) {
            this(trainRows, sampleShape, outputs, TestSet.of(test), digest, metadata, tensors);
        }

        /** A run's data with nothing saved beside the weights. */
        public Data(int trainRows, int[] sampleShape, int outputs, Dataset test, Supplier<String> digest) {
            this(trainRows, sampleShape, outputs, test, digest, Map.of(), Map.of());
        }
    }

    /** Opens the rounds of a run for a model input of {@code sampleShape} and the run's {@code schedule}. */
    @FunctionalInterface
    public interface Opener {
        TrainingRounds open(int[] sampleShape, LrSchedule schedule);
    }

    /**
     * @param interactive whether {@code out} is a terminal, where progress is a bar redrawn in place (when
     *                    me.tongfei:progressbar is on the class path; else plain lines)
     * @throws IllegalStateException when a plot is asked for and XChart is not on the class path
     */
    public EpochLoop(TrainOptions options, CheckpointOptions checkpoints, StopRequest stop, PrintStream out,
            boolean interactive) {
        if (options.plot() != null) {
            // Before training, not after an hour of it.
            OptionalDependency.XCHART.require("a plot (TrainOptions.plot, --plot)");
        }
        this.options = options;
        this.checkpoints = checkpoints;
        this.stop = stop;
        this.out = out;
        this.progress = Progress.create(out, !options.quiet(), interactive);
    }

    /** Tells {@code observer} of the steps and the work between them; it reports before the last line. */
    public EpochLoop observe(StepObserver observer) {
        this.observer = observer;
        return this;
    }

    /** Tells {@code listener} of the end of every epoch, after those registered before it. */
    public EpochLoop onEpochEnd(EpochListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Ends the run early as {@code rule} says (null: never); its listener is told of each epoch after those of
     * {@link #onEpochEnd}.
     *
     * @throws IllegalArgumentException when the run's loss does not measure the monitored figure
     */
    public EpochLoop stopEarly(EarlyStopping rule) {
        if (rule != null) {
            rule.requireMeasuredBy(options.loss());
        }
        this.earlyStopping = rule;
        return this;
    }

    /**
     * Trains (or continues from the newest training state, when resuming), evaluates after every epoch, saves and
     * plots when asked, and returns the final evaluation.
     *
     * @throws TrainingStoppedException when a stop was requested; the plot and metrics so far are written first
     */
    public Evaluation run(Data data, Opener opener) {
        return run(data, opener, false).test();
    }

    /**
     * What a run leaves: the final evaluation, the history, and the final parameters read to the host (in the
     * model's order; null unless asked for) with its buffers (batch norm's running statistics), to outlive the run's
     * model, which closes with its step.
     */
    record Finished(Evaluation test, TrainingHistory history, float[][] params, List<TensorEntry> buffers) {
    }

    /**
     * As {@link #run(Data, Opener)}; with {@code keepParams}, the final parameters are read before the model closes.
     */
    Finished run(Data data, Opener opener, boolean keepParams) {
        Run run = new Run();
        Finished test;
        try {
            test = train(data, opener, run, keepParams);
        } catch (NonFiniteLossException | TrainingStoppedException e) {
            progress.endEpoch();
            plot(run.history);
            throw e;
        } finally {
            progress.endEpoch();
        }
        plot(run.history);
        observer.report().forEach(out::println);
        test.test().finalLines().forEach(out::println);
        return test;
    }

    /** What {@link #run} plots even when training ends early. */
    private static final class Run {
        TrainingHistory history = new TrainingHistory(); // replaced when a state is resumed
    }

    private void plot(TrainingHistory history) {
        if (options.plot() != null && history.steps() > 0) {
            TrainingPlot.write(options.plot(), history, options.loss().description());
            if (!options.quiet()) {
                out.println("plotted " + options.plot());
            }
        }
    }

    private Finished train(Data data, Opener opener, Run run, boolean keepParams) {
        int[] sample = Models.inputShape(options.model(), data.sampleShape());
        int stepsPerEpoch = (data.trainRows() + options.batch() - 1) / options.batch();
        long totalSteps = (long) stepsPerEpoch * options.epochs();
        LrSchedule schedule = LrScheduleParser.parse(options.schedule(), options.lr(), totalSteps, options.warmup());
        StateDirectory states = checkpoints.dir() == null ? null
                : new StateDirectory(checkpoints.dir(), checkpoints.keep());
        int evalBatch = Math.max(options.batch(), 256);

        try (TrainingRounds rounds = opener.open(sample, schedule)) {
            checkOutputs(rounds.model(), sample, options.loss(), data.outputs());
            Map<String, String> settings = states == null ? Map.of()
                    : RunSettings.of(options, checkpoints, data.digest().get(), rounds.description());
            TrainingPosition at = new TrainingPosition(1, 0, 0, 0, 0);
            MetricsLog metrics = options.metrics() == null ? null : new MetricsLog(options.metrics(), options.loss());
            if (checkpoints.resume()) {
                TrainingState state = resumeFrom(states, settings, rounds);
                at = state.position();
                run.history = TrainingHistory.fromCurves(state.curves());
                if (metrics != null) {
                    metrics = new MetricsLog(options.metrics(), options.loss(), state.metricsCsv());
                }
            }
            if (!options.quiet()) {
                out.printf(Locale.ROOT, "training %s on %s: %d train / %d test samples, %s, %d epochs, batch %d, %s%n",
                        options.model().text(), rounds.description(), data.trainRows(), data.test().rows(),
                        options.loss().description(), options.epochs(), options.batch(), updateRule(schedule));
            }
            Evaluation test = null;
            BestEpoch best = earlyStopping == null ? null : new BestEpoch(earlyStopping);
            int lastEpoch = 0; // trained by this process
            boolean stoppedEarly = false;
            observer.otherWorkDone();
            for (int e = at.epoch(); e <= options.epochs(); e++) {
                Epoch epoch = new Epoch(e, e == at.epoch() ? at : null, rounds.stepCount(), run, metrics,
                        data.trainRows());
                while (epoch.batchesDone < stepsPerEpoch) {
                    epoch.batchesDone += rounds.run(e, epoch.batchesDone, stepsPerEpoch - epoch.batchesDone,
                            epoch::stepDone);
                    boolean periodic = checkpoints.everySteps() > 0 && epoch.batchesDone < stepsPerEpoch
                            && epoch.stepsBefore / checkpoints.everySteps() != rounds.stepCount()
                                    / checkpoints.everySteps(); // the epoch end writes its own state
                    epoch.stepsBefore = rounds.stepCount();
                    if (periodic || stop.requested(rounds.stepCount())) {
                        TrainingPosition now = new TrainingPosition(e, epoch.batchesDone, rounds.stepCount(),
                                epoch.lossSum, epoch.seen);
                        Path written = states == null ? null : states.write(TrainingStates.capture(settings, now,
                                rounds, run.history, metrics));
                        stopIfRequested(rounds, e, written, metrics);
                    }
                }
                double rate = epoch.seenHere / seconds(epoch.start);
                String deviceNote = rounds.epochNote();
                test = data.test().evaluate(rounds.model(), rounds.backend(), sample, evalBatch,
                        options.loss());
                observer.otherWorkDone();
                if (metrics != null) {
                    metrics.epochEnd(test);
                }
                run.history.epoch(epoch.lossSum / epoch.seen, test);
                progress.endEpoch();
                if (!options.quiet()) {
                    out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  %s  lr %.5f  %.0f samples/s%s%n", e,
                            options.epochs(), epoch.lossSum / epoch.seen, test.summary(), epoch.lr, rate, deviceNote);
                }
                EpochEnd end = new EpochEnd(e, options.epochs(), epoch.lossSum / epoch.seen, test, epoch.lr,
                        rounds.model(), rounds.backend());
                for (EpochListener listener : listeners) {
                    listener.epochEnded(end);
                }
                if (best != null) {
                    best.epochEnded(end);
                }
                observer.otherWorkDone();
                lastEpoch = e;
                if (states != null) {
                    Path written = states.write(TrainingStates.capture(settings,
                            new TrainingPosition(e + 1, 0, rounds.stepCount(), 0, 0), rounds, run.history, metrics));
                    stopIfRequested(rounds, e, written, metrics);
                }
                if (end.stopReason() != null) {
                    // An ordinary end: the state above lets a resumed run train the remaining epochs.
                    stoppedEarly = true;
                    if (!options.quiet()) {
                        out.println(end.stopReason());
                    }
                    break;
                }
            }
            if (best != null && best.restores(lastEpoch)) {
                // Save and report the model that is kept, not the last epoch's.
                best.restoreInto(rounds.model(), rounds.backend());
                test = data.test().evaluate(rounds.model(), rounds.backend(), sample, evalBatch,
                        options.loss());
                if (!stoppedEarly && !options.quiet()) {
                    out.printf(Locale.ROOT, "restored epoch %d, whose %s %.4f was the best%n", best.bestEpoch(),
                            earlyStopping.monitor(), best.best());
                }
            }
            if (test == null) {
                // Resumed from the state written after the last epoch: evaluate the weights it holds.
                test = data.test().evaluate(rounds.model(), rounds.backend(), sample, evalBatch,
                        options.loss());
            }
            if (options.save() != null) {
                Checkpoint.save(options.save(), rounds.model(), rounds.backend(), savedMetadata(options, data),
                        data.tensors());
                if (!options.quiet()) {
                    out.println("saved " + options.save());
                }
            }
            return new Finished(test, run.history, keepParams ? BestEpoch.read(rounds.model(), rounds.backend())
                    : null, keepParams ? Checkpoint.bufferEntries(rounds.model()) : null);
        }
    }

    /** The metadata saved with a run's weights: the data's, the model spec and the state-dict format. */
    static Map<String, String> savedMetadata(TrainOptions options, Data data) {
        Map<String, String> metadata = new LinkedHashMap<>(data.metadata());
        metadata.put("model", options.model().text());
        metadata.put("format", "pt");
        return metadata;
    }

    /** One epoch's running sums, and what is done at the end of each of its steps. */
    private final class Epoch {
        final int number;
        final long start = System.nanoTime();
        final Run run;
        final MetricsLog metrics;
        final int trainRows;
        int batchesDone;
        double lossSum;
        int seen;
        long seenHere; // by this process: the rate of a resumed epoch counts only these
        long steps; // of the whole run
        long stepsBefore; // the run's steps before the last round
        double lr;

        Epoch(int number, TrainingPosition resumed, long steps, Run run, MetricsLog metrics, int trainRows) {
            this.number = number;
            this.run = run;
            this.metrics = metrics;
            this.trainRows = trainRows;
            this.steps = steps;
            this.stepsBefore = steps;
            if (resumed != null) {
                batchesDone = resumed.batchesDone();
                lossSum = resumed.epochLossSum();
                seen = resumed.epochSeen();
            }
        }

        void stepDone(float value, int rows, float stepLr, long nanos) {
            steps++;
            lr = stepLr;
            observer.stepDone(nanos);
            run.history.step(value, lr);
            if (!Float.isFinite(value) && options.stopOnNonFinite()) {
                throw new NonFiniteLossException("loss became " + value + " at step " + steps + " (epoch " + number
                        + "); lower --lr or check the data");
            }
            if (steps == 1 && !options.quiet()) {
                out.printf(Locale.ROOT, "first step finished %.2f s after the process started%n",
                        (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3);
            }
            lossSum += (double) value * rows;
            seen += rows;
            seenHere += rows;
            double rate = seenHere / seconds(start);
            if (metrics != null) {
                metrics.step(steps, number, value, lr, rate);
            }
            progress.update(number, options.epochs(), seen, trainRows, lossSum / seen, rate);
        }
    }

    /**
     * The newest intact state in {@code states}, checked to belong to this run and written into {@code rounds}; a
     * line per damaged state skipped, and one for a change of device.
     */
    private TrainingState resumeFrom(StateDirectory states, Map<String, String> settings, TrainingRounds rounds) {
        StateDirectory.Loaded loaded = states.newestIntact(out::println);
        TrainingState state = loaded.state();
        TrainingPosition at = state.position();
        String note = RunSettings.requireSameRun(state.settings(), settings, at.epoch() - 1);
        if (note != null) {
            out.println(note);
        }
        TrainingStates.restore(state, rounds);
        if (!options.quiet()) {
            out.printf(Locale.ROOT, "resuming from %s: epoch %d, %d steps done%n", loaded.file(), at.epoch(),
                    at.steps());
        }
        return state;
    }

    /** Ends the run with {@link TrainingStoppedException} when a stop was requested, the metrics written first. */
    private void stopIfRequested(TrainingRounds rounds, int epoch, Path written, MetricsLog metrics) {
        if (!stop.requested(rounds.stepCount())) {
            return;
        }
        if (metrics != null) {
            metrics.flush();
        }
        throw new TrainingStoppedException(stop.reason(), rounds.stepCount(), epoch, options.epochs(), written);
    }

    /**
     * The model must map one sample to [1, K] outputs: K at least the number of classes for ce (scores of classes the
     * data lacks do no harm), exactly the targets' width for mse and kl, whose targets have the outputs' shape.
     */
    static void checkOutputs(Sequential model, int[] sample, LossKind loss, int outputs) {
        int[] out = model.outputShape(Models.batchShape(1, sample));
        boolean fits = out.length == 2 && (loss == LossKind.CE ? out[1] >= outputs : out[1] == outputs);
        if (!fits) {
            String what = switch (loss) {
                case CE -> "a classifier of " + outputs + " classes";
                case MSE -> "a regressor of " + outputs + " target" + (outputs == 1 ? "" : "s");
                case KL -> "soft targets over " + outputs + " classes";
            };
            throw new IllegalArgumentException("the model maps [N, " + Arrays.toString(sample).replaceAll("[\\[\\]]",
                    "") + "] inputs to " + Arrays.toString(out).replace("1, ", "N, ") + " but " + what + " needs [N, "
                    + outputs + "]");
        }
    }

    private static double seconds(long start) {
        return Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    }

    /** The schedule, after the optimiser's name where it is not SGD, so that SGD's line reads as it always did. */
    private String updateRule(Object schedule) {
        return options.optimizerKind() == OptimizerKind.SGD ? String.valueOf(schedule)
                : options.optimizerKind().text() + " " + schedule;
    }
}
