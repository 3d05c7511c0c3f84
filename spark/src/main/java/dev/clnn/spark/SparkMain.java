package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.cli.TrainOptionsMixin;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingData;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clnn-spark}: {@code clnn train} on Apache Spark. {@code ./clnn-spark train ...} runs it with an embedded
 * Spark ({@code --master local[2]} by default); on a cluster, {@code spark-submit --class dev.clnn.spark.SparkMain
 * clnn-spark.jar train --master ...}. Errors are one line on stderr and exit code 1.
 */
public final class SparkMain {
    private SparkMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Top()).addSubcommand(new Train(out)).addSubcommand(new Overhead(out));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("clnn-spark: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("clnn-spark: " + e.getMessage());
            return 1;
        });
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Command(name = "clnn-spark", description = "clnn train on Apache Spark.")
    static final class Top implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;

        @Override
        public Integer call() {
            throw new IllegalArgumentException("name a command: clnn-spark train [options] (see clnn-spark train"
                    + " --help)");
        }
    }

    /** The options of {@code clnn train}'s run ({@link TrainOptionsMixin}, the same set), plus the Spark ones. */
    @Command(name = "train", sortOptions = false, defaultValueProvider = TrainOptionsMixin.Defaults.class,
            description = {"Trains a model on --data (default: the bundled MNIST set) with any --loss, as clnn train"
                + " does, with synchronous data-parallel training on Spark: each round the replicas take --local-steps"
                + " steps on their shards of the global batches (--batch is all replicas together) and the driver"
                + " averages them. The last line is the final test accuracy (for --loss mse, the test RMSE and R²"
                + " lines)."})
    static final class Train implements Callable<Integer> {
        private final PrintStream out;

        @Mixin
        TrainOptionsMixin run;
        @Option(names = "--device", paramLabel = "D", description = "the device of the driver and of every"
                + " executor (default: $CLNN_DEVICE there, else auto)")
        String device;
        @Option(names = "--master", paramLabel = "URL", description = "the Spark master (default: local[2]; under"
                + " spark-submit, the one it was given)")
        String master;
        @Option(names = "--local-steps", paramLabel = "K", description = "steps between averagings; 1 equals"
                + " single-device training (default: 1)")
        int localSteps = 1;
        @Option(names = "--partitions", paramLabel = "P", description = "replicas (default: Spark's default"
                + " parallelism)")
        int partitions;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;

        Train(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            run.resumeOnlyFromAState(); // a resubmitted job passes --resume before any state exists
            CheckpointOptions checkpoints = run.checkpointOptions();
            TrainOptions train = run.trainOptions();
            SparkTrainOptions options = new SparkTrainOptions(train, checkpoints, localSteps, partitions);
            SparkConf conf = new SparkConf().setAppName("clnn-spark train").set("spark.ui.enabled", "false");
            if (master != null) {
                conf.setMaster(master);
            } else if (!conf.contains("spark.master")) {
                conf.setMaster("local[2]");
            }
            if (device != null) {
                // Local executors share this JVM; remote ones read the environment variable.
                System.setProperty(Backends.PROPERTY, device);
                conf.setExecutorEnv(Backends.ENV, device);
            }
            // A CSV or Parquet table is read by the executors; other data is read, split and checked against the
            // loss on the driver before Spark starts, as clnn train reads it.
            TableSource table = TableSource.of(train.data(), run.dataLocations());
            TrainingData data = table == null ? TrainingData.load(train.data(), train.loss(), train.seed()) : null;
            try (JavaSparkContext spark = new JavaSparkContext(conf); Backend backend = Backends.open()) {
                spark.setLogLevel("WARN");
                SparkTrainer trainer = new SparkTrainer(spark, options, backend, out);
                ExecutorErrors.unwrap(() -> {
                    if (table == null) {
                        trainer.run(data);
                    } else {
                        try (ExecutorData rows = ExecutorData.read(spark, table, train)) {
                            trainer.run(rows);
                        }
                    }
                });
            } finally {
                ReplicaPool.closeAll();
                EvaluationModels.closeAll();
            }
            return 0;
        }
    }

    /** {@code clnn-spark overhead}: the cost of Spark jobs and of rounds carrying a model's state, without training. */
    @Command(name = "overhead", description = "Times the first Spark job, later"
            + " empty jobs, and rounds that broadcast and collect a model's weights and momentum without training.")
    static final class Overhead implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--master", paramLabel = "URL", description = "the Spark master (default: local[2])")
        String master;
        @Option(names = "--model", paramLabel = "mlp|cnn|SPEC", description = "whose parameters a round carries"
                + " (default: mlp)")
        String model = "mlp";
        @Option(names = "--rounds", paramLabel = "N", description = "timed jobs of each kind (default: 20)")
        int rounds = 20;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;

        Overhead(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            if (rounds <= 0) {
                throw new IllegalArgumentException("--rounds must be positive, got " + rounds);
            }
            int parameters;
            try (CpuBackend cpu = new CpuBackend();
                    Sequential net = Models.build(cpu, ModelSpec.parse(model), 0)) {
                parameters = net.params().stream().mapToInt(Param::size).sum();
            }
            SparkConf conf = new SparkConf().setAppName("clnn-spark overhead").set("spark.ui.enabled", "false");
            conf.setMaster(master != null ? master : conf.get("spark.master", "local[2]"));
            try (JavaSparkContext spark = new JavaSparkContext(conf)) {
                spark.setLogLevel("WARN");
                RoundOverhead.measure(spark, parameters, rounds, out);
            }
            return 0;
        }
    }
}
