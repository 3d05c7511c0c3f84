package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.data.Safetensors;
import dev.clnn.data.TensorEntry;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.plot.Charts;
import dev.clnn.plot.PngAssertions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line on the CPU backend and a tiny data set: real runs, and bad input that must fail cleanly. */
class MainTest {
    @TempDir
    Path tmp;

    private static CliRun clnn(String... args) {
        return CliRun.of(args);
    }

    private Path data() throws IOException {
        return SyntheticData.mnistFolder(Files.createDirectories(tmp.resolve("data")), 200, 50);
    }

    @Test
    void trainLearnsTheTinySetSavesAndEvalReproducesTheAccuracy() throws IOException {
        Path weights = tmp.resolve("w.safetensors");
        Path metrics = tmp.resolve("m.csv");
        Path plot = tmp.resolve("training.png");
        CliRun train = clnn("train", "--device", "cpu", "--data", data().toString(), "--model", "linear(784,10)",
                "--epochs", "3", "--batch", "16", "--lr", "0.1", "--save", weights.toString(), "--metrics",
                metrics.toString(), "--plot", plot.toString());
        assertEquals(0, train.code(), train.err());
        String[] lines = train.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("test accuracy \\d+\\.\\d\\d%"), last);
        assertTrue(train.out().contains("samples/s"), train.out());
        double accuracy = Double.parseDouble(last.replaceAll("[^0-9.]", ""));
        assertTrue(accuracy >= 90, "the tiny set is separable: " + last);

        Map<String, TensorEntry> saved = Safetensors.read(weights).tensors();
        assertEquals(List.of("0.bias", "0.weight"), saved.keySet().stream().sorted().toList());
        assertArrayEquals(new int[] {10, 784}, saved.get("0.weight").shape());

        List<String> csv = Files.readAllLines(metrics);
        assertEquals("step,epoch,loss,lr,samples_per_s,test_loss,test_accuracy", csv.get(0));
        assertEquals(1 + 3 * 13, csv.size(), "one row per step: 200 samples / 16 = 13 steps per epoch");
        assertTrue(train.out().contains("plotted " + plot), train.out());
        PngAssertions.assertPng(plot, 3 * Charts.PANEL_WIDTH, Charts.PANEL_HEIGHT);

        CliRun eval = clnn("eval", "--device", "cpu", "--data", data().toString(), "--model", "linear(784,10)",
                "--weights", weights.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains(String.format(java.util.Locale.ROOT, "accuracy %.2f%%", accuracy)), eval.out());
    }

    @Test
    void badInputExitsNonZeroWithOneLineNamingTheProblem() throws IOException {
        String d = data().toString();
        Path corrupt = Files.createDirectories(tmp.resolve("corrupt"));
        SyntheticData.mnistFolder(corrupt, 20, 10);
        Files.write(corrupt.resolve("t10k-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 10});
        Path badWeights = tmp.resolve("bad.safetensors");
        Files.write(badWeights, new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, '{'});
        String[][] cases = {
            {"unknown layer", "train", "--device", "cpu", "--data", d, "--model", "linear(784,10),softplus"},
            {"expects input", "train", "--device", "cpu", "--data", d, "--model", "linear(100,10)"},
            {"classifier of 10 classes", "train", "--device", "cpu", "--data", d, "--model", "linear(784,3)"},
            {"--batch must be a positive integer", "train", "--device", "cpu", "--data", d, "--batch", "0"},
            {"--epochs must be a positive integer", "train", "--device", "cpu", "--data", d, "--epochs", "-1"},
            {"--lr must be a finite number", "train", "--device", "cpu", "--data", d, "--lr", "NaN"},
            // The wording depends on whether OpenCL is installed (DeviceSelectionErrorsTest in native-test has the
            // wording with a device); both name the selector.
            {"\"nosuchgpu\"", "train", "--device", "nosuchgpu", "--data", d},
            {"no such file or folder", "train", "--device", "cpu", "--data", tmp.resolve("missing").toString()},
            {"t10k-images", "train", "--device", "cpu", "--data", corrupt.toString()},
            {"unknown option --epoch", "train", "--epoch", "3"},
            {"unknown schedule", "train", "--device", "cpu", "--data", d, "--schedule", "cosin"},
            {"bad.safetensors", "eval", "--device", "cpu", "--data", d, "--model", "linear(784,10)", "--weights",
                badWeights.toString()},
            {"folder", "train", "--device", "cpu", "--data", d, "--save", tmp.resolve("no/such/dir/w.st").toString()},
            {"--plot: folder", "train", "--device", "cpu", "--data", d, "--plot", tmp.resolve("no/dir/p.png").toString()},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRun r = clnn(args);
            assertEquals(1, r.code(), String.join(" ", args) + " -> " + r.out() + r.err());
            assertTrue(r.err().contains(c[0]), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().strip().split("\n").length, "one line, no stack trace: " + r.err());
        }
    }

    @Test
    void adamwTrainsTheTinySetAndOptionsOfTheOtherOptimiserAreRefusedInOneLine() throws IOException {
        String folder = data().toString();
        CliRun adamw = clnn("train", "--device", "cpu", "--data", folder, "--model", "linear(784,10)", "--epochs",
                "2", "--batch", "16", "--lr", "0.01", "--optimizer", "adamw", "--weight-decay", "0.01", "--betas",
                "0.9,0.99", "--eps", "1e-7", "--amsgrad", "--quiet");
        assertEquals(0, adamw.code(), adamw.err());
        double accuracy = Double.parseDouble(adamw.out().strip().replaceAll("[^0-9.]", ""));
        assertTrue(accuracy >= 90, "the tiny set is separable: " + adamw.out());
        String[][] refused = {
            {"--optimizer", "adam", "--momentum", "0.5"},
            {"--optimizer", "adamw", "--nesterov"},
            {"--amsgrad"},
            {"--optimizer", "adam", "--betas", "0.9"},
            {"--optimizer", "adam", "--betas", "0.9,1.5"},
            {"--optimizer", "rmsprop"},
        };
        String[] messages = {
            "clnn: --momentum is an SGD option; --optimizer adam takes --betas, --eps and --amsgrad",
            "clnn: --nesterov is an SGD option; --optimizer adamw takes --betas, --eps and --amsgrad",
            "clnn: --amsgrad is an Adam option; give --optimizer adam or adamw",
            "clnn: --betas takes B1,B2, got \"0.9\"",
            "clnn: --betas must both lie in [0, 1), got 0.9,1.5",
            "clnn: --optimizer must be sgd, adam or adamw, got \"rmsprop\"",
        };
        for (int i = 0; i < refused.length; i++) {
            String[] args = Stream.concat(Stream.of("train", "--device", "cpu", "--data", folder, "--epochs", "1"),
                    Stream.of(refused[i])).toArray(String[]::new);
            CliRun r = clnn(args);
            assertEquals(1, r.code(), r.out());
            assertEquals(messages[i], r.err().strip());
        }
        // clnn step takes the same flags and refuses the same way, before reading its files.
        CliRun step = clnn("step", "--device", "cpu", "--model", "linear(4,3)", "--loss", "ce", "--lr", "0.1",
                "--batch", "b.safetensors", "--out", tmp.resolve("o.safetensors").toString(), "--optimizer", "adam",
                "--momentum", "0.9");
        assertEquals(1, step.code(), step.out());
        assertEquals(messages[0], step.err().strip());
    }

    @Test
    void aFailedRunLeavesAnExistingOutputFileIntactAndNoTemporaryFiles() throws IOException {
        Path weights = tmp.resolve("keep.safetensors");
        Files.writeString(weights, "previous checkpoint");
        CliRun r = clnn("train", "--device", "cpu", "--data", data().toString(), "--model", "linear(784,3)", "--save",
                weights.toString());
        assertEquals(1, r.code());
        assertEquals("previous checkpoint", Files.readString(weights));
        try (Stream<Path> files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingStepAndEpochAndKeepsTheLastCheckpoint() throws IOException {
        Path weights = tmp.resolve("good.safetensors");
        Files.writeString(weights, "last good checkpoint");
        CliRun r = clnn("train", "--device", "cpu", "--data", data().toString(), "--model", "linear(784,10)", "--lr",
                "1", "--weight-decay", "1e38", "--momentum", "0", "--save", weights.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().matches("(?s)clnn: loss became (NaN|Infinity|-Infinity) at step \\d+ \\(epoch 1\\).*"), r.err());
        assertEquals("last good checkpoint", Files.readString(weights));
    }

    @Test
    void moreBadInputIsRejectedWithOneLine() throws IOException {
        String d = data().toString();
        Path badLabels = Files.createDirectories(tmp.resolve("badlabels"));
        SyntheticData.mnistFolder(badLabels, 20, 10);
        byte[] labels = Files.readAllBytes(badLabels.resolve("train-labels-idx1-ubyte"));
        labels[8 + 5] = 10; // label 10 in a 10-class set
        Files.write(badLabels.resolve("train-labels-idx1-ubyte"), labels);
        Path fewerLabels = Files.createDirectories(tmp.resolve("fewer"));
        SyntheticData.mnistFolder(fewerLabels, 20, 10);
        Path other = Files.createDirectories(tmp.resolve("other"));
        SyntheticData.mnistFolder(other, 19, 10);
        Files.copy(other.resolve("train-labels-idx1-ubyte"), fewerLabels.resolve("train-labels-idx1-ubyte"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path absurd = tmp.resolve("absurd.safetensors");
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(1_000_000_000_000L).put("{}      ".getBytes(StandardCharsets.US_ASCII));
        Files.write(absurd, header.array());
        Path batch = tmp.resolve("batch.safetensors");
        Safetensors.write(batch, List.of(TensorEntry.f32("x", new int[] {2, 3}, new float[6]),
                TensorEntry.i64("y", new int[] {2}, new long[] {0, -1})), Map.of());
        // Targets for --loss kl: row 1 sums to 0.9; then a negative entry in a row that sums to 1.
        Path unnormalised = tmp.resolve("unnormalised.safetensors");
        Safetensors.write(unnormalised, List.of(TensorEntry.f32("x", new int[] {2, 3}, new float[6]),
                TensorEntry.f32("y", new int[] {2, 2}, new float[] {0.25f, 0.75f, 0.5f, 0.4f})), Map.of());
        Path negative = tmp.resolve("negative.safetensors");
        Safetensors.write(negative, List.of(TensorEntry.f32("x", new int[] {2, 3}, new float[6]),
                TensorEntry.f32("y", new int[] {2, 2}, new float[] {1.5f, -0.5f, 0.5f, 0.5f})), Map.of());
        String out = tmp.resolve("out.safetensors").toString();
        String[][] cases = {
            {"label", "train", "--device", "cpu", "--data", badLabels.toString()},
            {"20", "train", "--device", "cpu", "--data", fewerLabels.toString()},
            {"--lr must be a finite number", "train", "--device", "cpu", "--data", d, "--lr", "-0.1"},
            {"--momentum must be a finite number", "train", "--device", "cpu", "--data", d, "--momentum", "Infinity"},
            {"--warmup must be", "train", "--device", "cpu", "--data", d, "--warmup", "-3"},
            {"\"opencl:7:7\"", "train", "--device", "opencl:7:7", "--data", d},
            {"absurd.safetensors", "eval", "--device", "cpu", "--data", d, "--model", "linear(784,10)",
                "--weights", absurd.toString()},
            {"missing.safetensors", "eval", "--device", "cpu", "--data", d, "--model", "linear(784,10)",
                "--weights", tmp.resolve("missing.safetensors").toString()},
            {"y[1] = -1", "step", "--device", "cpu", "--model", "linear(3,2)", "--loss", "ce", "--batch",
                batch.toString(), "--lr", "0.1", "--out", out},
            {"expects input [N, 4]", "step", "--device", "cpu", "--model", "linear(4,2)", "--loss", "ce", "--batch",
                batch.toString(), "--lr", "0.1", "--out", out},
            {"--steps must be a positive integer", "step", "--device", "cpu", "--model", "linear(3,2)", "--loss",
                "ce", "--batch", batch.toString(), "--lr", "0.1", "--steps", "0", "--out", out},
            {"--loss must be ce, mse or kl", "step", "--device", "cpu", "--model", "linear(3,2)", "--loss", "hinge",
                "--batch", batch.toString(), "--lr", "0.1", "--out", out},
            {"unnormalised.safetensors: --loss kl needs each row of y to sum to 1 (within 1.0E-4), but row 1 sums"
                + " to 0.9", "step", "--device", "cpu", "--model", "linear(3,2)", "--loss", "kl", "--batch",
                unnormalised.toString(), "--lr", "0.1", "--out", out},
            {"negative.safetensors: --loss kl needs probabilities, but y[0, 1] = -0.5", "step", "--device", "cpu",
                "--model", "linear(3,2)", "--loss", "kl", "--batch", negative.toString(), "--lr", "0.1", "--out", out},
            {"--loss kl needs outputs [N, classes] and y of their shape", "step", "--device", "cpu", "--model",
                "linear(3,4)", "--loss", "kl", "--batch", negative.toString(), "--lr", "0.1", "--out", out},
            {"option --lr is required", "step", "--device", "cpu", "--model", "linear(3,2)", "--loss", "ce",
                "--batch", batch.toString(), "--out", out},
            {"absurd.safetensors", "step", "--device", "cpu", "--model", "linear(3,2)", "--loss", "ce",
                "--batch", absurd.toString(), "--lr", "0.1", "--out", out},
            {"unknown command", "fly"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRun r = clnn(args);
            assertEquals(1, r.code(), String.join(" ", args) + " -> " + r.out() + r.err());
            assertTrue(r.err().contains(c[0]), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().strip().split("\n").length, "one line, no stack trace: " + r.err());
        }
        assertFalse(Files.exists(Path.of(out)), "no output file from failed steps");
    }

    @Test
    void aRunStoppedByANanLossStillWritesItsPlot() throws IOException {
        Path plot = tmp.resolve("diverged.png");
        CliRun r = clnn("train", "--device", "cpu", "--data", data().toString(), "--model",
                "linear(784,64),relu,linear(64,10)", "--lr", "1e10", "--plot", plot.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("loss became"), r.err());
        PngAssertions.assertPng(plot, 3 * Charts.PANEL_WIDTH, Charts.PANEL_HEIGHT);
    }

    @Test
    void helpListsTheScheduleCommandAndThePlotOption() {
        CliRun r = clnn("help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("  schedule     --schedule SPEC --lr LR --steps N"), r.out());
        assertTrue(r.out().contains("--plot FILE.png"), r.out());
    }

    @Test
    void stepWritesLossOutputGradientsAndUpdatedParameters() throws IOException {
        Path batch = tmp.resolve("b.safetensors");
        float[] x = new float[3 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 5) / 5f - 0.3f;
        }
        Safetensors.write(batch, List.of(TensorEntry.f32("x", new int[] {3, 4}, x),
                TensorEntry.i64("y", new int[] {3}, new long[] {0, 2, 1})), Map.of());
        Path out = tmp.resolve("o.safetensors");
        CliRun r = clnn("step", "--device", "cpu", "--model", "linear(4,5),relu,linear(5,3)", "--loss", "ce", "--batch",
                batch.toString(), "--lr", "0.1", "--momentum", "0.9", "--nesterov", "--steps", "2", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, TensorEntry> t = Safetensors.read(out).tensors();
        assertEquals(List.of("0.bias", "0.weight", "2.bias", "2.weight", "grad.0.bias", "grad.0.weight",
                "grad.2.bias", "grad.2.weight", "grad.x", "loss", "output"), t.keySet().stream().sorted().toList());
        assertArrayEquals(new int[0], t.get("loss").shape());
        assertArrayEquals(new int[] {3, 4}, t.get("grad.x").shape());
        assertArrayEquals(new int[] {3, 3}, t.get("output").shape());

        Safetensors.write(batch, List.of(TensorEntry.f32("x", new int[] {3, 4}, x),
                TensorEntry.i64("y", new int[] {3}, new long[] {0, 3, 1})), Map.of());
        CliRun bad = clnn("step", "--device", "cpu", "--model", "linear(4,3)", "--loss", "ce", "--batch",
                batch.toString(), "--lr", "0.1", "--out", out.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("y[1] = 3 is outside [0, 3)"), bad.err());
    }
}
