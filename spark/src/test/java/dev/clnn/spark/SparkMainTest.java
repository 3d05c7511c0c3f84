package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.cli.Main;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.Standardization;
import dev.clnn.data.TensorEntry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line: its errors and help, which start no Spark, and one short run on a CSV against {@code clnn train}
 * (a Spark context of its own, local[2], after {@link SparkTrainingTest}'s is stopped: the classes run one at a time).
 */
class SparkMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SparkMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownFlagIsOneLineOnStderr() {
        assertEquals(1, run("train", "--bogus"));
        assertEquals("clnn-spark: Unknown option: '--bogus'", err().strip());
    }

    @Test
    void badSparkSettingsAreRejectedBeforeSparkStarts() {
        assertEquals(1, run("train", "--local-steps", "0"));
        assertEquals("clnn-spark: --local-steps must be positive, got 0", err().strip());
        err.reset();
        assertEquals(1, run("train", "--resume", "a", "--checkpoint-dir", "b"));
        assertEquals("clnn-spark: --resume a with --checkpoint-dir b: a resumed run keeps its states in the folder it"
                + " resumes from", err().strip());
    }

    @Test
    void helpListsTheTrainFlagsAndTheSparkOnes() {
        assertEquals(0, run("train", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--model", "--epochs", "--batch", "--lr", "--momentum", "--nesterov",
            "--weight-decay", "--schedule", "--warmup", "--seed", "--save", "--quiet", "--device", "--master",
            "--local-steps", "--checkpoint-dir", "--resume"}) {
            assertTrue(help.contains(flag), flag + " missing from:\n" + help);
        }
        assertEquals("", err());
    }

    /**
     * {@code clnn-spark train --data iris.csv --label species --standardize} (K = 1) saves what {@code clnn train}
     * saves with the same options: the same metadata (loss, classes, features, split), the same standardization
     * tensors, and weights within {@link SparkTrainingTest#K1_TOLERANCE}.
     */
    @Test
    void trainsOnACsvAsClnnTrainDoes(@TempDir Path dir) {
        Path iris = Path.of("..", "data", "iris", "iris.csv");
        List<String> options = List.of("--data", iris.toString(), "--label", "species", "--standardize", "--model",
                "linear(4,16),relu,linear(16,3)", "--epochs", "3", "--batch", "16", "--quiet");
        Path sparkWeights = dir.resolve("spark.safetensors");
        Path singleWeights = dir.resolve("single.safetensors");
        List<String> sparkArgs = new ArrayList<>(List.of("train", "--master", "local[2]"));
        sparkArgs.addAll(options);
        sparkArgs.addAll(List.of("--save", sparkWeights.toString()));
        assertEquals(0, run(sparkArgs.toArray(String[]::new)), err());
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\\R");
        assertTrue(lines[lines.length - 1].matches("test accuracy [0-9.]+%"), lines[lines.length - 1]);

        List<String> singleArgs = new ArrayList<>(List.of("train"));
        singleArgs.addAll(options);
        singleArgs.addAll(List.of("--save", singleWeights.toString()));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        assertEquals(0, Main.run(singleArgs.toArray(String[]::new), quiet, quiet, false));

        SafetensorsFile a = Safetensors.read(singleWeights);
        SafetensorsFile b = Safetensors.read(sparkWeights);
        assertEquals(a.metadata(), b.metadata());
        assertEquals("ce", b.metadata().get(ModelMetadata.LOSS));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        assertTrue(b.tensors().containsKey(Standardization.MEAN), b.tensors().keySet().toString());
        for (Map.Entry<String, TensorEntry> e : a.tensors().entrySet()) {
            double rel = SparkTrainingTest.relativeDifference(e.getValue().toFloats(),
                    b.tensors().get(e.getKey()).toFloats());
            assertTrue(rel <= SparkTrainingTest.K1_TOLERANCE, e.getKey() + ": relative L2 difference " + rel);
        }
    }
}
