package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.data.DatasetSplit;
import dev.clnn.data.Mnist;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.train.Evaluation;
import dev.clnn.train.Evaluator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clnn eval}: the test loss and accuracy of saved weights. */
@Command(name = "eval", sortOptions = false,
        description = "Loads weights saved by train --save into the model SPEC and prints the test loss and accuracy.",
        footer = {"  clnn eval --model mlp --weights model.safetensors",
            "  clnn eval --model cnn --weights cnn.safetensors --data ~/mnist --device cpu"})
final class EvalCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--model", required = true, paramLabel = "mlp|cnn|SPEC", description = "the network the weights"
            + " belong to")
    String model;
    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "safetensors with PyTorch"
            + " state-dict names")
    String weights;
    @Option(names = "--data", paramLabel = "DIR", description = "a folder of MNIST IDX files (default: the bundled"
            + " set)")
    String data;
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
        Path dir = OptionValues.path(data);
        DatasetSplit split = dir == null ? Mnist.bundled() : Mnist.load(dir);
        try (Backend backend = device.open(); Sequential net = Models.build(backend, spec, 0)) {
            Checkpoint.load(file, net, backend);
            int[] sample = Models.inputShape(spec, split.test().sampleShape());
            Evaluation e = Evaluator.evaluate(backend, net, split.test(), sample,
                    OptionValues.positiveInt("--batch", batch));
            out.printf(Locale.ROOT, "%d test samples on %s: loss %.4f, accuracy %.2f%%%n", e.total(),
                    backend.name(), e.loss(), 100 * e.accuracy());
        }
        return 0;
    }
}
