package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpFamily;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.GemmClass;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.model.FirstStepOps;
import dev.clnn.parallel.DataParallelStep;
import dev.clnn.parallel.DeviceGroup;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.StopRequest;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingData;
import dev.clnn.train.Trainer;
import dev.clnn.train.TrainingStoppedException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clnn train}: trains a classifier, evaluating after every epoch; the last line is the test accuracy. */
@Command(name = "train", abbreviateSynopsis = true, sortOptions = false,
        defaultValueProvider = TrainOptionsMixin.Defaults.class,
        description = {"Trains a classifier on MNIST (default: the bundled 8,000 train / 2,000 test digits) with SGD,"
            + " evaluating after every epoch. The last line is the final test accuracy, e.g. \"test accuracy"
            + " 96.00%%\". On a terminal the progress within an epoch is a bar, elsewhere a line at each quarter."},
        footer = {"  clnn train --save model.safetensors --plot training.png",
            "  clnn train --model cnn --epochs 5 --device cpu",
            "  clnn train --model \"linear(784,128),relu,linear(128,10)\" --metrics m.csv",
            "  clnn train --devices opencl:0:0,opencl:0:1 --batch 256",
            "  clnn train --data ~/mnist --schedule step:500,0.5 --warmup 200 --quiet"})
final class TrainCommand implements Callable<Integer> {
    private final PrintStream out;
    private final boolean interactive;

    @Option(names = "--profile", description = "before the last line, print where a training step's time goes, per"
            + " op and kernel, with each one's share and GFLOP/s or GB/s")
    boolean profile;
    @Option(names = "--tune", description = "first tune the device's kernels (as clnn tune, with a "
            + TuneCommand.TRAIN_BUDGET_SECONDS + " s budget) if nothing is stored for it yet; a stored result is used"
            + " as it is (run clnn tune to tune again)")
    boolean tune;
    @Mixin
    TrainOptionsMixin run;
    @Mixin
    CommonOptions common;
    @Mixin
    DeviceOption device;
    @Mixin
    DevicesOption devices;

    TrainCommand(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public Integer call() {
        CheckpointOptions checkpoints = run.checkpointOptions();
        TrainOptions options = run.trainOptions();
        if (devices.given()) {
            trainOnSeveralDevices(options, checkpoints);
            return 0;
        }
        if (tune) {
            tuneIfNothingStored();
        }
        // Opened before the data loads: an OpenCL backend starts compiling its kernels in the background at once.
        Set<OpFamily> firstStep = FirstStepOps.of(options.model());
        StopRequest stop = new StopRequest();
        try (Backend backend = profile ? device.openProfiled(firstStep) : device.open(firstStep);
                StopSignals signals = StopSignals.install(stop, System.err)) {
            long loadStart = System.nanoTime();
            TrainingData data = TrainingData.load(options.data(), options.loss(), options.seed());
            if (!options.quiet()) {
                out.printf(Locale.ROOT, "loaded the data in %.2f s%n", (System.nanoTime() - loadStart) / 1e9);
            }
            Trainer trainer = new Trainer(backend, options, checkpoints, stop, out, interactive);
            if (profile) {
                trainer.observe(new StepProfile(backend));
            }
            runStoppable(trainer, data, checkpoints, signals);
        }
        return 0;
    }

    /** {@code --devices}: a replica per listed device, each batch split between them. */
    private void trainOnSeveralDevices(TrainOptions options, CheckpointOptions checkpoints) {
        devices.requireAlone(device);
        if (profile || tune) {
            throw new IllegalArgumentException((profile ? "--profile" : "--tune") + " works on one device, not"
                    + " with --devices");
        }
        StopRequest stop = new StopRequest();
        try (DeviceGroup group = devices.open(FirstStepOps.of(options.model()));
                StopSignals signals = StopSignals.install(stop, System.err)) {
            TrainingData data = TrainingData.load(options.data(), options.loss(), options.seed());
            runStoppable(new Trainer(DataParallelStep.factory(group.backends()), options, checkpoints, stop, out,
                    interactive), data, checkpoints, signals);
        }
    }

    /** Runs the trainer; a requested stop becomes the command's one-line report with its exit code. */
    private static void runStoppable(Trainer trainer, TrainingData data, CheckpointOptions checkpoints,
            StopSignals signals) {
        try {
            trainer.run(data);
        } catch (TrainingStoppedException e) {
            throw new CommandStoppedException(e.getMessage() + (e.state() == null ? ""
                    : "; resume with: clnn train --resume " + checkpoints.dir()), signals.exitCode(), e);
        }
    }

    /**
     * {@code --tune}: tunes the device unless its kernels are tuned already (or forced), on a backend of its own, so
     * the training backend opens with the stored choice. Nothing happens on the CPU reference.
     */
    private void tuneIfNothingStored() {
        try (Backend backend = device.open()) {
            if (!(backend instanceof OpenClBackend cl) || !cl.tuning().blockedGemm()) {
                if (!run.quiet()) {
                    out.println("--tune: nothing to tune on " + backend.name());
                }
                return;
            }
            KernelTuning.Source source = cl.tuning().gemm().source(GemmClass.LARGE);
            if (source != KernelTuning.Source.DEFAULT) {
                if (!run.quiet()) {
                    out.println("--tune: the GEMM of " + cl.device().info().name() + " is " + source.word()
                            + " already (clnn tune measures again)");
                }
                return;
            }
            if (!run.quiet()) {
                out.println("--tune: tuning " + cl.device().info().name() + " for " + TuneCommand.TRAIN_BUDGET_SECONDS
                        + " s first");
            }
            TuneCommand.tune(cl, TuneCommand.TRAIN_BUDGET_SECONDS, 0, true, run.quiet() ? nullStream() : out);
        }
    }

    private static PrintStream nullStream() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
