package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.cli.CliRun;
import dev.clnn.data.Safetensors;
import dev.clnn.data.TensorEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clnn step --devices} and {@code clnn train --devices} on two POCL devices (see {@link TwoPoclDevicesTest}). */
@Tag("multidevice")
class TwoPoclDevicesCliTest {
    private static String first;
    private static String second;

    @TempDir
    Path dir;

    @BeforeAll
    static void twoDevices() {
        List<String> pocl = PoclDevices.selectors();
        first = pocl.get(0);
        second = pocl.get(1);
    }

    @Test
    void stepOnTwoDevicesWritesWhatOneDeviceWrites() {
        // 9 rows: shards of 5 and 4; the output and ∂L/∂x of the whole batch come back in row order.
        Path batch = batch(9);
        Path one = dir.resolve("one.safetensors");
        Path two = dir.resolve("two.safetensors");
        String[] common = {"step", "--model", "linear(13,7),relu,linear(7,5)", "--loss", "ce", "--lr", "0.1",
            "--momentum", "0.9", "--nesterov", "--weight-decay", "0.01", "--steps", "3", "--batch", batch.toString()};
        CliRun a = CliRun.of(concat(common, "--device", first, "--out", one.toString()));
        CliRun b = CliRun.of(concat(common, "--devices", first + "," + second, "--out", two.toString()));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("on 2 devices"), b.out());
        ParallelRuns.assertSameResults(Safetensors.read(one), Safetensors.read(two), "step on two POCL devices");
    }

    @Test
    void trainOnAllDevicesShowsEachOnesThroughput() {
        assertTrue(DeviceGroup.selectors("all").containsAll(List.of(first, second)), DeviceGroup.selectors("all")
                .toString());
        CliRun run = CliRun.of("train", "--devices", first + "," + second, "--model",
                "linear(784,32),relu,linear(32,10)", "--epochs", "1", "--batch", "256");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().matches("(?s).*epoch 1/1 .* samples/s  devices: #0 [\\d,]+ samples/s, #1 [\\d,]+"
                + " samples/s; all-reduce \\d+% of step time\n.*"), run.out());
        assertTrue(run.out().endsWith("%\n") && run.out().contains("\ntest accuracy "), run.out());
    }

    private Path batch(int n) {
        SplittableRandom random = new SplittableRandom(4);
        float[] x = new float[n * 13];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(5);
        }
        Path file = dir.resolve("batch.safetensors");
        Safetensors.write(file, List.of(TensorEntry.f32("x", new int[] {n, 13}, x),
                TensorEntry.i64("y", new int[] {n}, y)), Map.of());
        return file;
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
