package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.checkpoint.StateFile;
import dev.clnn.fixtures.ChildJvm;
import dev.clnn.fixtures.SyntheticData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clnn train} in a process of its own, killed (SIGKILL), stopped (SIGTERM, SIGINT) at several moments, then
 * {@code clnn train --resume}: the final weights are the bits of an uninterrupted run. On the CPU reference, whose
 * arithmetic is the same in every process; the OpenCL path is checked in native-test.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KillAndResumeTest {
    private static final String MODEL = "linear(784,256),relu,linear(256,10)";

    @TempDir
    Path tmp;
    private Path data;
    private byte[] uninterrupted;

    @BeforeEach
    void uninterruptedRun() throws IOException {
        data = SyntheticData.mnistFolder(Files.createDirectories(tmp.resolve("data")), 1500, 100);
        Path weights = tmp.resolve("whole.safetensors");
        CliRun r = CliRun.of(args("--save", weights.toString()).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        uninterrupted = Files.readAllBytes(weights);
    }

    @Test
    void killedMidEpochResumesBitForBit() throws Exception {
        Path dir = tmp.resolve("ck");
        Process p = start(dir, "--checkpoint-every", "10");
        waitFor(() -> newestStep(dir) >= 30, p);
        p.destroyForcibly().waitFor(); // SIGKILL
        assertResumesBitForBit(dir);
    }

    @Test
    void killedDuringAStateWriteResumesBitForBit() throws Exception {
        Path dir = tmp.resolve("ck");
        // A state write (weights and momentum, 1.6 MB, forced to disk) after every step: kill as soon as one is seen
        // under its temporary name, and confirm that the kill left it unfinished.
        boolean midWrite = false;
        for (int attempt = 0; attempt < 10 && !midWrite; attempt++) {
            Process p = start(dir, "--checkpoint-every", "1");
            int from = 5 + attempt; // a later write each time
            waitFor(() -> newestStep(dir) >= from && !unfinished(dir).isEmpty(), p);
            p.destroyForcibly().waitFor();
            midWrite = !unfinished(dir).isEmpty();
            if (!midWrite) {
                deleteStates(dir);
            }
        }
        assertTrue(midWrite, "no kill landed during a state write in 10 attempts");
        assertResumesBitForBit(dir);
        assertTrue(unfinished(dir).isEmpty(), "the resumed run removes the unfinished write");
    }

    @Test
    void sigtermWritesAStateAndSaysHowToResume() throws Exception {
        Path dir = tmp.resolve("ck");
        Process p = start(dir);
        waitFor(() -> newestStep(dir) >= 1, p); // the first epoch's state
        signal(p, "TERM"); // not Process.destroy, which closes the streams it would be read from
        assertEquals(143, p.waitFor());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(err.contains("clnn: SIGTERM: stopping after this step"), err);
        assertTrue(err.matches("(?s).*clnn: stopped by SIGTERM after step \\d+ \\(epoch \\d of 3\\); state saved to "
                + ".*state-\\d{12}\\.safetensors; resume with: clnn train --resume " + dir + "\n"), err);
        assertResumesBitForBit(dir);
    }

    @Test
    void aSecondSigintStopsAtOnceAndLeavesEveryStateIntact() throws Exception {
        Path dir = tmp.resolve("ck");
        Process p = start(dir, "--checkpoint-every", "1");
        waitFor(() -> newestStep(dir) >= 3, p);
        signal(p, "INT");
        signal(p, "INT");
        assertEquals(130, p.waitFor());
        for (Path state : new StateDirectory(dir, 3).states()) {
            StateFile.read(state); // throws if damaged
        }
        assertResumesBitForBit(dir);
    }

    private void assertResumesBitForBit(Path dir) throws IOException {
        Path weights = tmp.resolve("resumed.safetensors");
        CliRun r = CliRun.of("train", "--resume", dir.toString(), "--device", "cpu", "--quiet", "--save",
                weights.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(uninterrupted, Files.readAllBytes(weights), "resumed weights differ from the whole run's");
    }

    private List<String> args(String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--device", "cpu", "--data", data.toString(),
                "--model", MODEL, "--epochs", "3", "--batch", "16", "--seed", "5", "--quiet"));
        args.addAll(List.of(more));
        return args;
    }

    private Process start(Path dir, String... more) throws IOException {
        List<String> args = args(more);
        args.addAll(List.of("--checkpoint-dir", dir.toString()));
        return new ChildJvm(Main.class).builder(args.toArray(String[]::new))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void signal(Process p, String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor());
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    /** Polls every millisecond until the condition holds; fails if the process ends first. */
    private static void waitFor(Condition condition, Process p) throws Exception {
        while (!condition.holds()) {
            if (!p.isAlive()) {
                throw new AssertionError("the run ended before the moment to stop it: "
                        + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            Thread.sleep(1);
        }
    }

    private static long newestStep(Path dir) {
        List<Path> states = new StateDirectory(dir, 3).states();
        if (states.isEmpty()) {
            return -1;
        }
        String name = states.get(0).getFileName().toString();
        return Long.parseLong(name.substring("state-".length(), name.indexOf('.')));
    }

    private static List<Path> unfinished(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static void deleteStates(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        assertFalse(Files.exists(dir.resolve("state-000000000001.safetensors")));
    }
}
