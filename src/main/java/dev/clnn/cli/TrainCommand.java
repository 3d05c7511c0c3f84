package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpFamily;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.GemmClass;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.data.DatasetSplit;
import dev.clnn.data.Mnist;
import dev.clnn.model.FirstStepOps;
import dev.clnn.model.ModelSpec;
import dev.clnn.parallel.DataParallelStep;
import dev.clnn.parallel.DeviceGroup;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.StopRequest;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.Trainer;
import dev.clnn.train.TrainingStoppedException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clnn train}: trains a classifier, evaluating after every epoch; the last line is the test accuracy. */
@Command(name = "train", abbreviateSynopsis = true, sortOptions = false,
        defaultValueProvider = TrainCommand.Defaults.class,
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

    @Option(names = "--model", paramLabel = "mlp|cnn|SPEC", description = "the network (default: ${DEFAULT-VALUE});"
            + " SPEC is a layer list, see clnn help")
    String model;
    @Option(names = "--data", paramLabel = "DIR", description = "a folder of MNIST IDX files, gzip or raw"
            + " (default: the bundled set)")
    String data;
    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training set"
            + " (default: ${DEFAULT-VALUE})")
    String epochs;
    @Option(names = "--batch", paramLabel = "N", description = "samples per step (default: ${DEFAULT-VALUE})")
    String batch;
    @Option(names = "--lr", paramLabel = "LR", description = "initial learning rate (default: ${DEFAULT-VALUE})")
    String lr;
    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    String momentum;
    @Option(names = "--nesterov", description = "Nesterov momentum")
    boolean nesterov;
    @Option(names = "--weight-decay", paramLabel = "WD", description = "L2 weight decay (default: ${DEFAULT-VALUE})")
    String weightDecay;
    @Option(names = "--schedule", paramLabel = "SPEC", description = "learning-rate schedule: constant, step:S,G,"
            + " multistep:M1;M2,G, exp:B, poly:B,A, cosine[:TMAX[,MIN]] (default: ${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--warmup", paramLabel = "STEPS", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
    String warmup;
    @Option(names = "--seed", paramLabel = "S", description = "seed of weights and shuffling"
            + " (default: ${DEFAULT-VALUE})")
    String seed;
    @Option(names = "--save", paramLabel = "FILE.safetensors", description = "write the final weights (PyTorch"
            + " state-dict names)")
    String save;
    @Option(names = "--metrics", paramLabel = "FILE.csv", description = "write step, epoch, loss, lr, samples/s and"
            + " the test loss and accuracy at epoch ends")
    String metrics;
    @Option(names = "--plot", paramLabel = "FILE.png", description = "draw loss, test accuracy and learning rate"
            + " (also when a NaN loss stops the run)")
    String plot;
    @Option(names = "--quiet", description = "print only the final test accuracy")
    boolean quiet;
    @Option(names = "--profile", description = "before the last line, print where a training step's time goes, per"
            + " op and kernel, with each one's share and GFLOP/s or GB/s")
    boolean profile;
    @Option(names = "--tune", description = "first tune the device's kernels (as clnn tune, with a "
            + TuneCommand.TRAIN_BUDGET_SECONDS + " s budget) if nothing is stored for it yet; a stored result is used"
            + " as it is (run clnn tune to tune again)")
    boolean tune;
    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "write the training state (weights,"
            + " momentum, position, metrics) to DIR after every epoch, keeping the newest --keep; resume with"
            + " --resume DIR")
    String checkpointDir;
    @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "also write the state every STEPS"
            + " steps (default: epoch ends only)")
    String checkpointEvery;
    @Option(names = "--keep", paramLabel = "N", description = "training states kept in the checkpoint folder"
            + " (default: " + CheckpointOptions.DEFAULT_KEEP + ")")
    String keep;
    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run whose states are in DIR from"
            + " the newest intact one, with its options (options that would change the run are refused)")
    String resume;
    @Option(names = "--continue-on-nan", description = "keep training after a NaN or infinite loss (by default it"
            + " stops, naming the step and epoch)")
    boolean continueOnNan;

    @Mixin
    CommonOptions common;
    @Mixin
    DeviceOption device;
    @Mixin
    DevicesOption devices;
    @Spec
    CommandSpec spec;

    TrainCommand(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public Integer call() {
        if (resume != null) {
            ResumedOptions.fill(this, resume);
        }
        CheckpointOptions checkpoints = checkpointOptions();
        TrainOptions options = new TrainOptions(ModelSpec.parse(model), OptionValues.path(data),
                OptionValues.positiveInt("--epochs", epochs), OptionValues.positiveInt("--batch", batch),
                OptionValues.nonNegative("--lr", lr), (float) OptionValues.nonNegative("--momentum", momentum),
                nesterov, (float) OptionValues.nonNegative("--weight-decay", weightDecay), schedule,
                OptionValues.integer("--warmup", warmup), OptionValues.integer("--seed", seed),
                OptionValues.outputFile("--save", save), OptionValues.outputFile("--metrics", metrics),
                OptionValues.outputFile("--plot", plot), quiet, !continueOnNan);
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
            DatasetSplit split = options.dataDir() == null ? Mnist.bundled() : Mnist.load(options.dataDir());
            runStoppable(new Trainer(backend, options, checkpoints, stop, out, interactive), split, checkpoints,
                    signals);
        }
        return 0;
    }

    /** Whether an option was given on the command line (rather than taking its default). */
    boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private CheckpointOptions checkpointOptions() {
        if (resume != null && checkpointDir != null && !Path.of(resume).equals(Path.of(checkpointDir))) {
            throw new IllegalArgumentException("--resume " + resume + " with --checkpoint-dir " + checkpointDir
                    + ": a resumed run keeps its states in the folder it resumes from");
        }
        String dir = resume != null ? resume : checkpointDir;
        long every = checkpointEvery == null ? 0 : OptionValues.integer("--checkpoint-every", checkpointEvery);
        int kept = keep == null ? CheckpointOptions.DEFAULT_KEEP : OptionValues.positiveInt("--keep", keep);
        if (dir == null && (checkpointEvery != null || keep != null)) {
            throw new IllegalArgumentException((checkpointEvery != null ? "--checkpoint-every" : "--keep")
                    + " needs --checkpoint-dir DIR (or --resume DIR)");
        }
        return new CheckpointOptions(dir == null ? null : Path.of(dir), every, kept, resume != null);
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
            DatasetSplit split = options.dataDir() == null ? Mnist.bundled() : Mnist.load(options.dataDir());
            runStoppable(new Trainer(DataParallelStep.factory(group.backends()), options, checkpoints, stop, out,
                    interactive), split, checkpoints, signals);
        }
    }

    /** Runs the trainer; a requested stop becomes the command's one-line report with its exit code. */
    private static void runStoppable(Trainer trainer, DatasetSplit split, CheckpointOptions checkpoints,
            StopSignals signals) {
        try {
            trainer.run(split);
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
                if (!quiet) {
                    out.println("--tune: nothing to tune on " + backend.name());
                }
                return;
            }
            KernelTuning.Source source = cl.tuning().gemm().source(GemmClass.LARGE);
            if (source != KernelTuning.Source.DEFAULT) {
                if (!quiet) {
                    out.println("--tune: the GEMM of " + cl.device().info().name() + " is " + source.word()
                            + " already (clnn tune measures again)");
                }
                return;
            }
            if (!quiet) {
                out.println("--tune: tuning " + cl.device().info().name() + " for " + TuneCommand.TRAIN_BUDGET_SECONDS
                        + " s first");
            }
            TuneCommand.tune(cl, TuneCommand.TRAIN_BUDGET_SECONDS, 0, true, quiet ? nullStream() : out);
        }
    }

    private static PrintStream nullStream() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    /** The defaults of {@link TrainOptions#defaults()}, so the help and the library agree. */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            TrainOptions d = TrainOptions.defaults();
            return switch (option.longestName()) {
                case "--model" -> "mlp";
                case "--epochs" -> String.valueOf(d.epochs());
                case "--batch" -> String.valueOf(d.batch());
                case "--lr" -> String.valueOf(d.lr());
                case "--momentum" -> String.valueOf(d.momentum());
                case "--weight-decay" -> String.valueOf(d.weightDecay());
                case "--schedule" -> d.schedule();
                case "--warmup" -> String.valueOf(d.warmup());
                case "--seed" -> String.valueOf(d.seed());
                default -> null;
            };
        }
    }
}
