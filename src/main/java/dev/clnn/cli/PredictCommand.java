package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.data.AtomicFiles;
import dev.clnn.data.CsvTable;
import dev.clnn.data.DataFileException;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.data.Mnist;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.NumpyArrays;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.Standardization;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.LayerSpec;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.train.ClassScores;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clnn predict}: the model's output for every input row, one CSV row each, in input order. A classifier's row
 * is the arg-max class and the softmax probabilities; a regressor's (metadata {@code clnn.task = regression}) its
 * outputs under the target names. The weights file's extras ({@link ModelMetadata}, {@link Standardization}'s
 * tensors) say how to read the inputs and name the outputs.
 */
@Command(name = "predict", sortOptions = false,
        description = "Runs the model SPEC with weights saved by train --save on every input row and writes one CSV"
                + " row per input: class,p0,…,pK-1 for a classifier, the targets for a regressor.",
        footer = {"  clnn predict --model mlp --weights model.safetensors --data ~/mnist --out predictions.csv",
            "  clnn predict --model \"linear(4,3)\" --weights iris.safetensors --data flowers.csv --label species"})
final class PredictCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--model", required = true, paramLabel = "mlp|cnn|SPEC", description = "the network the weights"
            + " belong to")
    String model;
    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "safetensors with PyTorch"
            + " state-dict names, and optionally standardize.mean/std and clnn.* metadata")
    String weights;
    @Option(names = "--data", required = true, paramLabel = "FILE|DIR", description = "the inputs: a folder of MNIST"
            + " IDX files, a .csv of features, a .npy of x, or a .npz or .safetensors holding x")
    String data;
    @Option(names = "--out", paramLabel = "FILE.csv", description = "write the predictions here (default: stdout)")
    String outFile;
    @Option(names = "--split", paramLabel = "train|test", defaultValue = "test", description = "which MNIST images"
            + " of a folder (default: ${DEFAULT-VALUE})")
    String split;
    @Option(names = "--label", paramLabel = "COLUMN", description = "a CSV column to leave out of the features")
    String label;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "256", description = "samples per forward pass"
            + " (default: ${DEFAULT-VALUE})")
    String batch;

    @Mixin
    CommonOptions common;
    @Mixin
    DeviceOption device;

    PredictCommand(PrintStream out) {
        this.out = out;
    }

    /** The inputs: rows of samples of one shape, row-major. */
    private record Inputs(float[] x, int rows, int[] sampleShape) {
        int width() {
            return x.length / Math.max(rows, 1);
        }
    }

    @Override
    public Integer call() {
        try {
            return predict();
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IllegalArgumentException("predict: " + message, e);
        }
    }

    private int predict() {
        ModelSpec spec = ModelSpec.parse(model);
        Path weightsFile = Path.of(weights);
        Path dataFile = Path.of(data);
        Path target = OptionValues.outputFile("--out", outFile);
        int batchSize = OptionValues.positiveInt("--batch", batch);
        if (!split.equals("train") && !split.equals("test")) {
            throw new IllegalArgumentException("--split must be train or test, got " + split);
        }
        try (Backend backend = device.open(); Sequential net = Models.build(backend, spec, 0)) {
            net.eval();
            SafetensorsFile file = Checkpoint.loadWithExtras(weightsFile, net, backend);
            Map<String, String> meta = file.metadata();
            boolean regression = ModelMetadata.isRegression(meta);
            Inputs inputs = read(dataFile, ModelMetadata.names(meta, ModelMetadata.FEATURES));
            float[] x = standardize(file, inputs, dataFile, weightsFile);
            int[] sample = Models.inputShape(spec, inputs.sampleShape());
            int outputs = outputWidth(spec, net, sample, inputs, dataFile);
            List<String> header = new ArrayList<>();
            List<String> classes = null;
            if (regression) {
                List<String> targets = ModelMetadata.names(meta, ModelMetadata.TARGETS);
                header.addAll(named(targets, outputs, ModelMetadata.TARGETS, "y", weightsFile));
            } else {
                classes = ModelMetadata.names(meta, ModelMetadata.CLASSES);
                named(classes, outputs, ModelMetadata.CLASSES, "", weightsFile);
                header.add("class");
                for (int k = 0; k < outputs; k++) {
                    header.add("p" + k);
                }
            }
            Rows rows = new Rows(backend, net, x, inputs.rows(), sample, outputs, batchSize, header, regression,
                    classes);
            if (target == null) {
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                try {
                    rows.writeTo(w);
                    w.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                try {
                    AtomicFiles.write(target, stream -> {
                        Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                        rows.writeTo(w);
                        w.flush();
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
                }
                out.printf(Locale.ROOT, "%d predictions on %s written to %s%n", inputs.rows(), backend.name(),
                        target);
            }
        }
        return 0;
    }

    /** The inputs by the kind of path: a folder of MNIST files, or a file by its extension. */
    private Inputs read(Path path, List<String> features) {
        if (Files.isDirectory(path)) {
            DatasetSplit both = Mnist.load(path);
            Dataset d = split.equals("train") ? both.train() : both.test();
            return new Inputs(d.x(), d.n(), d.sampleShape());
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".csv") && !name.endsWith(".npy") && !name.endsWith(".npz")
                && !name.endsWith(".safetensors")) {
            throw new DataFileException(path, "unknown input format; --data takes a folder of MNIST IDX files, a"
                    + " .csv, .npy, .npz or .safetensors file");
        }
        if (!Files.exists(path)) {
            throw new DataFileException(path, "no such file");
        }
        if (name.endsWith(".csv")) {
            CsvTable.Features f = CsvTable.readFeatures(path, features == null ? List.of() : features, label);
            return new Inputs(f.x(), f.rows(), new int[] {f.names().size()});
        }
        TensorEntry x;
        if (name.endsWith(".npy")) {
            x = NumpyArrays.readNpy(path);
        } else {
            Map<String, TensorEntry> arrays = name.endsWith(".npz") ? NumpyArrays.readNpz(path)
                    : Safetensors.read(path).tensors();
            x = arrays.containsKey("x") ? arrays.get("x") : arrays.get("X");
            if (x == null) {
                throw new DataFileException(path, "no array x or X; the file has " + arrays.keySet());
            }
        }
        int[] shape = x.shape();
        if (shape.length < 2 || shape[0] == 0) {
            throw new DataFileException(path, "x has shape " + Arrays.toString(shape) + "; it needs shape (n, …) with"
                    + " n ≥ 1, e.g. x.reshape(-1, 1) for one feature");
        }
        return new Inputs(x.toFloats(), shape[0], Arrays.copyOfRange(shape, 1, shape.length));
    }

    /** The inputs standardized when the weights file holds the statistics, else as they are. */
    private static float[] standardize(SafetensorsFile file, Inputs inputs, Path dataFile, Path weightsFile) {
        Standardization s = Standardization.stored(file, weightsFile);
        if (s == null) {
            return inputs.x();
        }
        if (s.features() != inputs.width()) {
            throw new IllegalArgumentException(dataFile + ": rows have " + inputs.width() + " features but the"
                    + " standardization in " + weightsFile + " has " + s.features());
        }
        return s.apply(inputs.x());
    }

    /** The model's outputs per row, after checking that it takes the inputs' width. */
    private static int outputWidth(ModelSpec spec, Sequential net, int[] sample, Inputs inputs, Path dataFile) {
        if (spec.layers().get(0) instanceof LayerSpec.Linear first && first.in() != inputs.width()) {
            throw new IllegalArgumentException(dataFile + ": rows have " + inputs.width() + " features but the model"
                    + " takes " + first.in());
        }
        int[] shape;
        try {
            shape = net.outputShape(Models.batchShape(1, sample));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dataFile + ": samples of shape " + Arrays.toString(sample)
                    + " do not fit the model: " + e.getMessage(), e);
        }
        if (shape.length != 2) {
            throw new IllegalArgumentException("the model's output has shape " + Arrays.toString(shape)
                    + " per batch; predict needs (n, outputs)");
        }
        return shape[1];
    }

    /** The names from the metadata, checked against the outputs; without them, prefix + index. */
    private static List<String> named(List<String> names, int outputs, String key, String prefix, Path weightsFile) {
        if (names == null) {
            List<String> generated = new ArrayList<>();
            for (int k = 0; k < outputs; k++) {
                generated.add(prefix + k);
            }
            return generated;
        }
        if (names.size() != outputs) {
            throw new IllegalArgumentException(weightsFile + ": metadata " + key + " names " + names.size()
                    + " outputs but the model has " + outputs);
        }
        return names;
    }

    /** The forward passes, batch by batch, each written as CSV rows as soon as it is computed. */
    private record Rows(Backend backend, Sequential net, float[] x, int n, int[] sample, int outputs, int batch,
            List<String> header, boolean regression, List<String> classes) {
        void writeTo(Writer w) throws IOException {
            w.write(String.join(",", header.stream().map(PredictCommand::csvField).toList()));
            w.write('\n');
            int width = x.length / n;
            StringBuilder line = new StringBuilder();
            for (int start = 0; start < n; start += batch) {
                int rows = Math.min(batch, n - start);
                float[] chunk = Arrays.copyOfRange(x, start * width, (start + rows) * width);
                float[] y;
                try (Tensor input = backend.fromArray(chunk, Models.batchShape(rows, sample))) {
                    y = backend.readFloats(net.forward(input));
                }
                for (int r = 0; r < rows; r++) {
                    line.setLength(0);
                    int off = r * outputs;
                    if (regression) {
                        for (int k = 0; k < outputs; k++) {
                            line.append(k == 0 ? "" : ",").append(number(y[off + k]));
                        }
                    } else {
                        double[] p = ClassScores.softmax(y, off, outputs);
                        int best = ClassScores.argMax(y, off, outputs);
                        line.append(classes == null ? Integer.toString(best) : csvField(classes.get(best)));
                        for (double v : p) {
                            line.append(',').append(number(v));
                        }
                    }
                    w.write(line.append('\n').toString());
                }
            }
        }
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** A CSV field, quoted as RFC 4180 when it holds a comma, a quote or a line break. */
    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
