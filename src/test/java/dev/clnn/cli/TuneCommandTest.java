package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.fixtures.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clnn tune}'s options and errors, checked before any device is opened: one line each. */
class TuneCommandTest {
    private static void assertOneLineError(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(1, r.code(), String.join(" ", args) + " -> " + r.out() + r.err());
        assertTrue(r.err().contains(expected), String.join(" ", args) + " -> " + r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line, no stack trace: " + r.err());
    }

    @Test
    void badBudgetsAndWidthsAreOneLineErrors() {
        assertOneLineError("--budget must be a positive integer, got 0", "tune", "--budget", "0");
        assertOneLineError("--budget must be an integer, got \"soon\"", "tune", "--budget", "soon");
        assertOneLineError("--budget must be a positive integer, got -5", "tune", "--budget", "-5");
        assertOneLineError("--budget must be at most 86400 seconds", "tune", "--budget", "100000");
        assertOneLineError("--vector-width must be 1, 2, 4, 8 or 16, got 5", "tune", "--vector-width", "5");
        assertOneLineError("tune: option --budget needs a value", "tune", "--budget");
        assertOneLineError("unknown option --budgett", "tune", "--budgett", "3");
    }

    @Test
    void theCpuReferenceHasNothingToTune() {
        assertOneLineError("has nothing to tune; choose an OpenCL device with --device", "tune", "--device", "cpu",
                "--budget", "5");
    }

    @Test
    void trainTuneOnTheCpuReferenceSaysSoAndTrains(@TempDir Path tmp) throws IOException {
        Path data = SyntheticData.mnistFolder(Files.createDirectories(tmp.resolve("data")), 50, 20);
        CliRun r = CliRun.of("train", "--tune", "--device", "cpu", "--data", data.toString(), "--model",
                "linear(784,10)", "--epochs", "1", "--batch", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("--tune: nothing to tune on "), r.out());
        assertTrue(r.out().strip().endsWith("%"), r.out());
        CliRun quiet = CliRun.of("train", "--tune", "--quiet", "--device", "cpu", "--data", data.toString(),
                "--model", "linear(784,10)", "--epochs", "1", "--batch", "16");
        assertEquals(1, quiet.out().strip().split("\n").length, "--quiet: the accuracy line only: " + quiet.out());
    }

    @Test
    void helpAndTheOverviewDescribeTune() {
        CliRun help = CliRun.of("tune", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--budget=SECONDS"), help.out());
        assertTrue(help.out().contains("--vector-width=W"), help.out());
        assertTrue(CliRun.of("help").out().contains("  tune         [--budget 60]"));
        CliRun train = CliRun.of("train", "--help");
        assertTrue(train.out().contains("--tune"), train.out());
        assertTrue(train.out().contains("if nothing is stored for it"), train.out());
    }
}
