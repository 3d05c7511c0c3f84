package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.data.Dataset;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.train.Evaluation;
import dev.clnn.train.Evaluator;
import dev.clnn.train.LossKind;
import dev.clnn.train.TrainingData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clnn eval}: the test figures of saved weights, on the test rows the run that saved them tested on (the
 * stored seed and test fraction split a table the same way; the stored standardization and class names apply).
 */
@Command(name = "eval", sortOptions = false,
        description = "Loads weights saved by train --save into the model SPEC and prints the test loss with the test"
                + " accuracy (ce, kl) or MSE, RMSE, MAE and R² (mse), on the test rows train used.",
        footer = {"  clnn eval --model mlp --weights model.safetensors",
            "  clnn eval --model cnn --weights cnn.safetensors --data ~/mnist --device cpu",
            "  clnn eval --model \"linear(4,16),relu,linear(16,3)\" --weights iris.safetensors \\",
            "      --data data/iris/iris.csv --label species"})
final class EvalCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--model", required = true, paramLabel = "mlp|cnn|SPEC", description = "the network the weights"
            + " belong to")
    String model;
    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "safetensors with PyTorch"
            + " state-dict names (and what train --save keeps beside them)")
    String weights;
    @Option(names = "--loss", paramLabel = "ce|mse|kl", description = "the loss to report (default: the one the"
            + " weights were trained with, else ce)")
    String loss;
    @Mixin
    DataOptions dataOptions = new DataOptions();
    @Option(names = "--seed", paramLabel = "S", description = "the seed that split --data into train and test rows"
            + " (default: the one stored with the weights, else 1)")
    String seed;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "256", description = "samples per forward pass"
            + " (default: ${DEFAULT-VALUE})")
    String batch;

    @Mixin
    CommonOptions common;
    @Mixin
    DeviceOption device;

    EvalCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        ModelSpec spec = ModelSpec.parse(model);
        Path file = Path.of(weights);
        int batchSize = OptionValues.positiveInt("--batch", batch);
        try (Backend backend = device.open(); Sequential net = Models.build(backend, spec, 0)) {
            SafetensorsFile saved = Checkpoint.loadWithExtras(file, net, backend);
            Map<String, String> meta = saved.metadata();
            LossKind kind = LossKind.parse(loss != null ? loss : meta.getOrDefault(ModelMetadata.LOSS, "ce"));
            long splitSeed = OptionValues.integer("--seed", seed != null ? seed
                    : meta.getOrDefault(ModelMetadata.SPLIT_SEED, "1"));
            if (dataOptions.testFraction == null && meta.containsKey(ModelMetadata.TEST_FRACTION)) {
                dataOptions.testFraction = meta.get(ModelMetadata.TEST_FRACTION);
            }
            Dataset test = TrainingData.testSet(dataOptions.source(false), kind, splitSeed, saved, file);
            int[] sample = Models.inputShape(spec, test.sampleShape());
            Evaluation e = Evaluator.evaluate(backend, net, test, sample, batchSize, kind);
            out.printf(Locale.ROOT, "%d test samples on %s: %s%n", e.total(), backend.name(), e.summary());
            e.finalLines().forEach(out::println);
        }
        return 0;
    }
}
