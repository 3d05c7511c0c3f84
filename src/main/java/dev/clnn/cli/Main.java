package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.CpuBackend;
import dev.clnn.data.DatasetSplit;
import dev.clnn.data.Mnist;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.train.Evaluation;
import dev.clnn.train.Evaluator;
import dev.clnn.train.StepRunner;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The {@code clnn} command line: devices, train, eval, step, schedule, bench, selfcheck. */
public final class Main {
    private static final Set<String> TRAIN_OPTIONS = Set.of("--model", "--data", "--epochs", "--batch", "--lr",
            "--momentum", "--weight-decay", "--schedule", "--warmup", "--device", "--seed", "--save", "--metrics",
            "--plot");
    private static final Set<String> TRAIN_FLAGS = Set.of("--nesterov", "--quiet", "--debug", "--continue-on-nan");
    private static final Set<String> EVAL_OPTIONS = Set.of("--model", "--weights", "--data", "--device", "--batch");
    private static final Set<String> STEP_OPTIONS = Set.of("--model", "--loss", "--weights", "--batch", "--lr",
            "--momentum", "--weight-decay", "--steps", "--device", "--seed", "--out");
    private static final Set<String> STEP_FLAGS = Set.of("--nesterov", "--debug");
    private static final Set<String> DEBUG = Set.of("--debug");

    private Main() {
    }

    public static void main(String[] args) {
        // One line per log record (the JDK default spends two), unless the user configured logging.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "clnn: %5$s%6$s%n");
        }
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    /** Runs a command and returns the exit code; an error is one line on {@code err} (a stack trace with --debug). */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        boolean debug = List.of(args).contains("--debug");
        try {
            if (args.length == 0) {
                err.println(usage());
                return 2;
            }
            String command = args[0];
            return switch (command) {
                case "help", "--help", "-h" -> {
                    out.println(usage());
                    yield 0;
                }
                case "devices" -> devices(Options.parse(command, args, 1, Set.of(), DEBUG), out);
                case "train" -> train(Options.parse(command, args, 1, TRAIN_OPTIONS, TRAIN_FLAGS), out, interactive);
                case "eval" -> eval(Options.parse(command, args, 1, EVAL_OPTIONS, DEBUG), out);
                case "step" -> step(Options.parse(command, args, 1, STEP_OPTIONS, STEP_FLAGS), out);
                case "schedule" -> ScheduleCommand.run(Options.parse(command, args, 1, ScheduleCommand.OPTIONS,
                        ScheduleCommand.FLAGS), out);
                case "bench" -> bench(args, out);
                case "selfcheck" -> selfCheck(Options.parse(command, args, 1, Set.of("--device", "--n"), DEBUG), out);
                default -> throw new IllegalArgumentException("unknown command \"" + command + "\"; expected devices,"
                        + " train, eval, step, schedule, bench or selfcheck (clnn help)");
            };
        } catch (RuntimeException e) {
            if (debug) {
                e.printStackTrace(err);
            }
            err.println("clnn: " + firstLine(e));
            return 1;
        }
    }

    static String usage() {
        return String.join("\n",
                "usage: clnn <command> [options]",
                "  devices      OpenCL platforms and devices, and the CPU reference; * marks the default",
                "  train        train a classifier on MNIST (default: the bundled 8,000/2,000 digits)",
                "               --model mlp|cnn|SPEC --data DIR --epochs 10 --batch 64 --lr 0.05 --momentum 0.9",
                "               --nesterov --weight-decay 0 --schedule cosine --warmup 0 --seed 1",
                "               --save FILE.safetensors --metrics FILE.csv --plot FILE.png --quiet --continue-on-nan",
                "  eval         --model SPEC --weights FILE [--data DIR] [--batch 256]: test loss and accuracy",
                "  step         --model SPEC --loss ce|mse [--weights W] --batch B --lr LR [--momentum M] [--nesterov]",
                "               [--weight-decay WD] [--steps K] [--seed S] --out OUT.safetensors",
                "  schedule     --schedule SPEC --lr LR --steps N [--warmup W] [--plot FILE.png] [--csv]",
                "               the learning rate of each step: a summary, step,lr lines (--csv) or a plot",
                "  bench        gemm [--n 1024] | ops [--count 16777216] | train [--model mlp|cnn|SPEC] [--batch 64]",
                "               quick figures: median of repetitions after warm-up",
                "  selfcheck    [--n 256]: GEMM on the device against the CPU reference, with GFLOP/s",
                "common: --device auto|cpu|opencl|opencl:P:D|NAME (default $CLNN_DEVICE, else auto), --debug",
                "SPEC: comma-separated linear(in,out), relu, conv(cin,cout,k[,stride[,pad]]),",
                "      maxpool(k[,stride[,pad]]), avgpool(k[,stride[,pad]]), flatten");
    }

    private static int train(Options o, PrintStream out, boolean interactive) {
        TrainOptions d = TrainOptions.defaults();
        TrainOptions options = new TrainOptions(ModelSpec.parse(o.string("--model", "mlp")), o.path("--data"),
                o.positiveInt("--epochs", d.epochs()), o.positiveInt("--batch", d.batch()),
                o.nonNegative("--lr", d.lr()), (float) o.nonNegative("--momentum", d.momentum()),
                o.flag("--nesterov"), (float) o.nonNegative("--weight-decay", d.weightDecay()),
                o.string("--schedule", d.schedule()), o.longValue("--warmup", d.warmup()),
                o.longValue("--seed", d.seed()), o.path("--save"), o.path("--metrics"), o.path("--plot"),
                o.flag("--quiet"),
                !o.flag("--continue-on-nan"));
        checkWritable(options.save(), "--save");
        checkWritable(options.metrics(), "--metrics");
        checkWritable(options.plot(), "--plot");
        DatasetSplit data = loadData(options.dataDir());
        try (Backend backend = Backends.open(o.string("--device", Backends.defaultSelector()))) {
            new Trainer(backend, options, out, interactive).run(data);
        }
        return 0;
    }

    private static int eval(Options o, PrintStream out) {
        ModelSpec spec = ModelSpec.parse(o.required("--model"));
        Path weights = Path.of(o.required("--weights"));
        DatasetSplit data = loadData(o.path("--data"));
        try (Backend backend = Backends.open(o.string("--device", Backends.defaultSelector()));
                Sequential model = Models.build(backend, spec, 0)) {
            Checkpoint.load(weights, model, backend);
            int[] sample = Models.inputShape(spec, data.test().sampleShape());
            Evaluation e = Evaluator.evaluate(backend, model, data.test(), sample, o.positiveInt("--batch", 256));
            out.printf(Locale.ROOT, "%d test samples on %s: loss %.4f, accuracy %.2f%%%n", e.total(),
                    backend.name(), e.loss(), 100 * e.accuracy());
        }
        return 0;
    }

    private static int step(Options o, PrintStream out) {
        StepRunner.StepOptions options = new StepRunner.StepOptions(ModelSpec.parse(o.required("--model")),
                o.required("--loss"), o.path("--weights"), Path.of(o.required("--batch")),
                o.nonNegative("--lr", Double.NaN), (float) o.nonNegative("--momentum", 0),
                o.flag("--nesterov"), (float) o.nonNegative("--weight-decay", 0), o.positiveInt("--steps", 1),
                o.longValue("--seed", 1), Path.of(o.required("--out")));
        if (!o.has("--lr")) {
            throw new IllegalArgumentException("step: option --lr is required");
        }
        checkWritable(options.out(), "--out");
        try (Backend backend = Backends.open(o.string("--device", Backends.defaultSelector()))) {
            StepRunner.run(backend, options);
            out.println("wrote " + options.out() + " (" + options.steps() + " step" + (options.steps() == 1 ? ""
                    : "s") + " on " + backend.name() + ")");
        }
        return 0;
    }

    private static int bench(String[] args, PrintStream out) {
        if (args.length < 2 || args[1].startsWith("--")) {
            throw new IllegalArgumentException("bench: say what to measure: gemm, ops or train");
        }
        String what = args[1];
        Set<String> valued = switch (what) {
            case "gemm" -> Set.of("--n", "--device");
            case "ops" -> Set.of("--count", "--device");
            case "train" -> Set.of("--model", "--batch", "--device");
            default -> throw new IllegalArgumentException("bench: unknown benchmark \"" + what
                    + "\"; expected gemm, ops or train");
        };
        Options o = Options.parse("bench " + what, args, 2, valued, DEBUG);
        try (Backend backend = Backends.open(o.string("--device", Backends.defaultSelector()))) {
            Bench bench = new Bench(backend, out);
            switch (what) {
                case "gemm" -> bench.gemm(o.positiveInt("--n", 1024));
                case "ops" -> bench.ops(o.positiveInt("--count", 1 << 24));
                default -> bench.train(ModelSpec.parse(o.string("--model", "mlp")), o.positiveInt("--batch", 64));
            }
        }
        return 0;
    }

    private static DatasetSplit loadData(Path dir) {
        return dir == null ? Mnist.bundled() : Mnist.load(dir);
    }

    /** Fails before any work when an output file's folder is missing, so a long run does not end in an error. */
    static void checkWritable(Path file, String option) {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is a folder, not a file");
        }
    }

    private static int devices(Options o, PrintStream out) {
        List<DeviceInfo> all = ClDevice.list();
        String selector = Backends.defaultSelector();
        DeviceInfo chosen = null;
        if (!selector.equalsIgnoreCase("cpu") && !all.isEmpty()) {
            chosen = ClDevice.select(selector.equalsIgnoreCase("auto") ? "opencl" : selector);
        }
        if (all.isEmpty()) {
            String why = ClDevice.runtimeProblem();
            out.println("no OpenCL device found" + (why == null ? "" : ": " + why));
        }
        for (DeviceInfo d : all) {
            out.print(DeviceReport.describe(d, d.equals(chosen)));
        }
        out.printf("%s cpu          %s%n", chosen == null ? "*" : " ", new CpuBackend().name());
        return 0;
    }

    private static int selfCheck(Options o, PrintStream out) {
        int n = o.positiveInt("--n", 256);
        try (Backend backend = Backends.open(o.string("--device", Backends.defaultSelector()))) {
            GemmSelfCheck.Result r = GemmSelfCheck.run(backend, n);
            out.printf(Locale.ROOT, "gemm %dx%d·%dx%d on %s: relative error %.2e vs CPU reference, %.1f GFLOP/s%n",
                    n, n, n, n, backend.name(), r.relativeError(), r.gflops());
            if (!r.passed()) {
                out.println("SELF-CHECK FAILED: error above " + GemmSelfCheck.TOLERANCE);
                return 1;
            }
            out.println("self-check passed");
            return 0;
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
