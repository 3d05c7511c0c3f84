package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.fixtures.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --profile} on the CPU reference: the table comes before the usual last line, which keeps its form. */
class ProfileOptionTest {
    private static final String SMALL_MODEL = "linear(784,32),relu,linear(32,10)";

    @TempDir
    Path tmp;

    @Test
    void benchTrainProfilePrintsTheTableBeforeTheUnchangedLastLine() {
        CliRun r = CliRun.of("bench", "train", "--profile", "--device", "cpu", "--model", SMALL_MODEL, "--batch",
                "8");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("train: \\d+ samples/s on cpu \\(Java reference\\)"), last);
        int heading = indexOf(lines, "profile of ");
        // The timed repetitions (at least 7, for at least a second) of 5 steps each.
        Matcher steps = Pattern.compile("profile of (\\d+) steps on cpu \\(Java reference\\): .*")
                .matcher(lines.get(heading));
        assertTrue(steps.matches(), lines.get(heading));
        int count = Integer.parseInt(steps.group(1));
        assertTrue(count >= 35 && count % 5 == 0, lines.get(heading));
        assertTrue(lines.get(heading + 1).matches("\\s+op\\s+calls/step\\s+ms/step\\s+share\\s+rate"), r.out());
        // Two forward products, two weight gradients and the second layer's input gradient.
        String gemm = "\\s+gemm\\s+5\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d %\\s+[0-9.]+ GFLOP/s";
        assertTrue(lines.stream().anyMatch(l -> l.matches(gemm)), r.out());
        for (String op : List.of("reluBiasAddBackward", "biasAddForward", "biasAddBackward",
                "softmaxXentForward", "sgdUpdate")) {
            assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+" + op + "\\s.*GB/s")), op + " in\n" + r.out());
        }
        assertTrue(lines.get(lines.size() - 2).matches("\\s+\\(outside ops\\)\\s+-?\\d+\\.\\d{3}\\s+-?\\d+\\.\\d %"),
                r.out());
    }

    @Test
    void benchTrainWithoutProfilePrintsNoTable() {
        CliRun r = CliRun.of("bench", "train", "--device", "cpu", "--model", SMALL_MODEL, "--batch", "8");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("profile of"), r.out());
        assertEquals(2, r.out().lines().count(), r.out());
    }

    @Test
    void trainProfileLeavesOutTheFirstStepAndPrintsBeforeTheTestAccuracy() throws IOException {
        Path data = SyntheticData.mnistFolder(Files.createDirectories(tmp.resolve("data")), 200, 50);
        CliRun r = CliRun.of("train", "--profile", "--quiet", "--device", "cpu", "--data", data.toString(),
                "--model", "linear(784,10)", "--epochs", "2", "--batch", "16");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(lines.size() - 1).matches("test accuracy \\d+\\.\\d\\d%"), r.out());
        // 200 samples in batches of 16 are 13 steps an epoch; the first step of the run is left out.
        assertTrue(lines.get(0).startsWith("profile of 25 steps on cpu (Java reference): "), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+gemm\\s+2\\s.*GFLOP/s")), r.out());
        assertTrue(lines.stream().noneMatch(l -> l.contains("argmaxRows") || l.contains("countCorrect")),
                "evaluation is not part of the steps: " + r.out());
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting \"" + prefix + "\" in\n" + String.join("\n", lines));
    }
}
