package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.Standardization;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.LayerSpec;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.onnx.Onnx;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clnn export}: the model SPEC with its saved weights as an ONNX file ({@link Onnx}), a stored
 * standardization in front of it.
 */
@Command(name = "export", sortOptions = false,
        description = "Writes the model SPEC with weights saved by train --save as an ONNX file (opset 13) for"
                + " ONNX Runtime and other inference engines; a standardization stored with the weights comes first.",
        footer = {"  clnn export --model mlp --weights model.safetensors --onnx model.onnx",
            "  clnn export --model \"linear(4,16),relu,linear(16,3)\" --weights iris.safetensors --onnx iris.onnx"
                    + " --probabilities"})
final class ExportCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--model", required = true, paramLabel = "mlp|cnn|SPEC", description = "the network the weights"
            + " belong to")
    String model;
    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "safetensors with PyTorch"
            + " state-dict names, and optionally standardize.mean/std")
    String weights;
    @Option(names = "--onnx", required = true, paramLabel = "FILE.onnx", description = "write the ONNX model here")
    String onnx;
    @Option(names = "--probabilities", description = "end with a softmax: the output is probabilities, not logits")
    boolean probabilities;
    @Option(names = "--input-shape", paramLabel = "C,H,W", description = "one sample's shape (default: the first"
            + " linear layer's inputs, or C,28,28 for a convolution: MNIST)")
    String inputShape;

    @Mixin
    CommonOptions common;

    ExportCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        try {
            return export();
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IllegalArgumentException("export: " + message, e);
        }
    }

    private int export() {
        ModelSpec spec = ModelSpec.parse(model);
        Path weightsFile = Path.of(weights);
        Path target = OptionValues.outputFile("--onnx", onnx);
        int[] sample = sampleShape(spec);
        // Reading the weights needs no device.
        try (Backend backend = Backends.open("cpu"); Sequential net = Models.build(backend, spec, 0)) {
            net.eval();
            SafetensorsFile file = Checkpoint.loadWithExtras(weightsFile, net, backend);
            Standardization standardization = Standardization.stored(file, weightsFile);
            Onnx.Options options = new Onnx.Options(probabilities, standardization);
            Onnx.export(net, backend, sample, target, options);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": " + e.getMessage(), e);
        }
        out.println("wrote " + target + " (ONNX opset " + Onnx.OPSET + ", input [N," + join(sample) + "], output "
                + (probabilities ? "probabilities" : "logits") + ")");
        return 0;
    }

    private int[] sampleShape(ModelSpec spec) {
        if (inputShape != null) {
            List<String> parts = OptionValues.names("--input-shape", inputShape);
            int[] shape = new int[parts.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = OptionValues.positiveInt("--input-shape", parts.get(i));
            }
            return shape;
        }
        LayerSpec first = spec.layers().get(0);
        if (first instanceof LayerSpec.Linear l) {
            return new int[] {l.in()};
        }
        if (first instanceof LayerSpec.Conv c) {
            return new int[] {c.cin(), 28, 28};
        }
        throw new IllegalArgumentException("the model starts with " + first.text() + "; give --input-shape");
    }

    private static String join(int[] shape) {
        StringBuilder s = new StringBuilder();
        for (int d : shape) {
            s.append(s.length() == 0 ? "" : ",").append(d);
        }
        return s.toString();
    }
}
