package dev.clnn.cli;

import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.data.DataSource;
import dev.clnn.model.ModelSpec;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.LossKind;
import dev.clnn.train.TrainOptions;
import java.nio.file.Path;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of a training run, one set for {@code clnn train} and {@code clnn-spark train} (a picocli mixin): the
 * model, data, schedule and optimiser, the outputs, the training states and resuming. A command that mixes it in
 * names {@link Defaults} as its default value provider, so its help shows the defaults of
 * {@link TrainOptions#defaults()}. Values are kept as given and checked when read, so that {@code --resume} can fill
 * in those not given again ({@link ResumedOptions}).
 */
public final class TrainOptionsMixin {
    @Option(names = "--model", paramLabel = "mlp|cnn|SPEC", description = "the network (default: ${DEFAULT-VALUE});"
            + " SPEC is a layer list, see clnn help")
    String model;
    @Option(names = "--loss", paramLabel = "ce|mse|kl", description = "cross-entropy against class labels, mean"
            + " squared error against float targets, or KL divergence of log-softmax against probability rows"
            + " (default: ${DEFAULT-VALUE})")
    String loss;
    @Mixin
    DataOptions dataOptions = new DataOptions();
    @Option(names = "--standardize", description = "scale each feature to mean 0 and standard deviation 1 with the"
            + " training rows' statistics, which --save stores for eval and predict")
    boolean standardize;
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
    @Option(names = "--clip-grad-norm", paramLabel = "MAX", description = "before each update, scale the gradients"
            + " so that their global L2 norm is at most MAX (PyTorch's clip_grad_norm_; default: no clipping)")
    String clipGradNorm;
    @Mixin
    OptimizerOptions optimizerOptions = new OptimizerOptions();
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

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * The run's options, each checked with a message naming it; with {@code --resume DIR}, those not given again are
     * first taken from the newest intact training state in DIR.
     *
     * @throws IllegalArgumentException naming the first option whose value is not allowed
     */
    public TrainOptions trainOptions() {
        fillFromResumedRun();
        optimizerOptions.requireMatching(given("--momentum"), nesterov);
        float clip = clipGradNorm == null ? 0f : OptionValues.positiveFinite("--clip-grad-norm", clipGradNorm);
        return new TrainOptions(ModelSpec.parse(model), LossKind.parse(loss), dataOptions.source(standardize),
                OptionValues.positiveInt("--epochs", epochs), OptionValues.positiveInt("--batch", batch),
                OptionValues.nonNegative("--lr", lr), (float) OptionValues.nonNegative("--momentum", momentum),
                nesterov, (float) OptionValues.nonNegative("--weight-decay", weightDecay), schedule,
                OptionValues.integer("--warmup", warmup), OptionValues.integer("--seed", seed),
                OptionValues.outputFile("--save", save), OptionValues.outputFile("--metrics", metrics),
                OptionValues.outputFile("--plot", plot), quiet, !continueOnNan, optimizerOptions.kind(),
                optimizerOptions.adam(), clip);
    }

    /**
     * {@code --data} and {@code --test} as given (after {@code --resume} filled them in), or null: for readers that
     * take URIs ({@code hdfs://…}, {@code s3a://…}), which a {@link Path} would not keep.
     */
    public String[] dataLocations() {
        fillFromResumedRun();
        return new String[] {dataOptions.data, dataOptions.test};
    }

    /**
     * Where and how often training states are written, and whether the run resumes.
     *
     * @throws IllegalArgumentException when --resume and --checkpoint-dir name two folders, or --checkpoint-every or
     *                                  --keep come without a folder
     */
    public CheckpointOptions checkpointOptions() {
        requireOneFolder();
        fillFromResumedRun();
        String dir = resume != null ? resume : checkpointDir;
        long every = checkpointEvery == null ? 0 : OptionValues.integer("--checkpoint-every", checkpointEvery);
        int kept = keep == null ? CheckpointOptions.DEFAULT_KEEP : OptionValues.positiveInt("--keep", keep);
        if (dir == null && (checkpointEvery != null || keep != null)) {
            throw new IllegalArgumentException((checkpointEvery != null ? "--checkpoint-every" : "--keep")
                    + " needs --checkpoint-dir DIR (or --resume DIR)");
        }
        return new CheckpointOptions(dir == null ? null : Path.of(dir), every, kept, resume != null);
    }

    /**
     * For a job that may be submitted again as it is: {@code --resume DIR} where DIR holds no training state yet
     * starts the run afresh, keeping its states in DIR, instead of being an error.
     */
    public void resumeOnlyFromAState() {
        requireOneFolder();
        if (resume != null && new StateDirectory(Path.of(resume), CheckpointOptions.DEFAULT_KEEP).states().isEmpty()) {
            checkpointDir = resume;
            resume = null;
        }
    }

    private void requireOneFolder() {
        if (resume != null && checkpointDir != null && !Path.of(resume).equals(Path.of(checkpointDir))) {
            throw new IllegalArgumentException("--resume " + resume + " with --checkpoint-dir " + checkpointDir
                    + ": a resumed run keeps its states in the folder it resumes from");
        }
    }

    /** Whether the output should be only the final test accuracy. */
    public boolean quiet() {
        return quiet;
    }

    private boolean filled;

    private void fillFromResumedRun() {
        if (resume != null && !filled) {
            filled = true;
            ResumedOptions.fill(this, resume);
        }
    }

    /** Whether an option was given on the command line (rather than taking its default). */
    boolean given(String option) {
        return mixee.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The defaults of {@link TrainOptions#defaults()}, so the help and the library agree. */
    public static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            TrainOptions d = TrainOptions.defaults();
            return switch (option.longestName()) {
                case "--model" -> "mlp";
                case "--loss" -> d.loss().text();
                case "--test-fraction" -> String.valueOf(DataSource.DEFAULT_TEST_FRACTION);
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
