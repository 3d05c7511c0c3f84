package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.fixtures.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --devices} on CPU reference replicas: the epoch line's per-device figures and the one-line errors. */
class DevicesOptionTest {
    @TempDir
    Path tmp;

    @Test
    void trainOnTwoReplicasShowsEachDevicesThroughputAndTheAllReduceShare() throws IOException {
        String data = SyntheticData.mnistFolder(Files.createDirectories(tmp.resolve("data")), 200, 50).toString();
        CliRun run = CliRun.of("train", "--devices", "cpu,cpu", "--data", data, "--model", "linear(784,10)",
                "--epochs", "2", "--batch", "33", "--lr", "0.1");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("on 2 devices (#0 cpu"), run.out());
        String[] lines = run.out().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("test accuracy "), run.out());
        long epochLines = run.out().lines().filter(l -> l.startsWith("epoch ")
                && l.matches(".* samples/s  devices: #0 [\\d,]+ samples/s, #1 [\\d,]+ samples/s; all-reduce \\d+% of"
                        + " step time")).count();
        assertEquals(2, epochLines, run.out());
    }

    @Test
    void aBadDeviceListIsOneLine() {
        String[][] cases = {
            {"--device and --devices exclude each other", "train", "--device", "cpu", "--devices", "cpu,cpu"},
            {"--devices needs a comma-separated list", "train", "--devices", "cpu,,cpu"},
            {"--profile works on one device", "train", "--devices", "cpu,cpu", "--profile"},
            {"--device and --devices exclude each other", "step", "--device", "cpu", "--devices", "cpu", "--model",
                "linear(2,2)", "--loss", "ce", "--lr", "0.1", "--batch", "b.safetensors", "--out",
                tmp.resolve("o.safetensors").toString()},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRun run = CliRun.of(args);
            assertEquals(1, run.code(), String.join(" ", args) + "\n" + run.err());
            assertTrue(run.err().startsWith("clnn: ") && run.err().contains(c[0]), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
        }
    }
}
