package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.fixtures.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume}: which options it takes from the state, which it accepts again, which it refuses. */
class ResumeOptionsTest {
    @TempDir
    Path tmp;
    private Path data;

    @BeforeEach
    void data() throws IOException {
        data = SyntheticData.mnistFolder(Files.createDirectories(tmp.resolve("data")), 200, 50);
    }

    private CliRun train(String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--device", "cpu", "--data", data.toString(), "--model",
                "linear(784,16),relu,linear(16,10)", "--batch", "16", "--quiet"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void moreEpochsContinueARunWhoseScheduleDoesNotDependOnItsLength() throws IOException {
        Path three = tmp.resolve("three.safetensors");
        assertEquals(0, train("--epochs", "3", "--schedule", "step:10,0.5", "--save", three.toString()).code());
        Path dir = tmp.resolve("ck");
        assertEquals(0, train("--epochs", "2", "--schedule", "step:10,0.5", "--checkpoint-dir", dir.toString())
                .code());
        Path resumed = tmp.resolve("resumed.safetensors");
        // Everything but --epochs and the new output comes from the state.
        CliRun r = CliRun.of("train", "--resume", dir.toString(), "--device", "cpu", "--epochs", "3", "--save",
                resumed.toString(), "--plot", tmp.resolve("p.png").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resuming from " + dir.resolve("state-000000000026.safetensors")
                + ": epoch 3, 26 steps done"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("epoch 3/3 ")), r.out());
        assertArrayEquals(Files.readAllBytes(three), Files.readAllBytes(resumed));
    }

    @Test
    void aClippedRunResumesWithItsLimitTakenFromTheState() throws IOException {
        Path whole = tmp.resolve("whole.safetensors");
        assertEquals(0, train("--epochs", "2", "--clip-grad-norm", "0.1", "--save", whole.toString()).code());
        Path dir = tmp.resolve("ck");
        assertEquals(0, train("--epochs", "2", "--clip-grad-norm", "0.1", "--checkpoint-dir", dir.toString(),
                "--checkpoint-every", "5").code());
        // Keep only the oldest state, from before the end, so that the run goes on with the limit the state names.
        List<Path> states = new StateDirectory(dir, 3).states();
        for (Path state : states.subList(0, states.size() - 1)) {
            Files.delete(state);
        }
        Path resumed = tmp.resolve("resumed.safetensors");
        CliRun r = CliRun.of("train", "--resume", dir.toString(), "--device", "cpu", "--save", resumed.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed));
        assertRefused("clnn: --clip-grad-norm 0.2 differs from the training state's 0.1; a resumed run must be the"
                + " same run", "--clip-grad-norm", "0.2");
    }

    @Test
    void optionsThatWouldChangeTheRunAreRefusedInOneLine() {
        Path dir = tmp.resolve("ck");
        assertEquals(0, train("--epochs", "2", "--checkpoint-dir", dir.toString()).code());
        assertRefused("clnn: --batch 32 differs from the training state's 16; a resumed run must be the same run",
                "--batch", "32");
        assertRefused("clnn: --model linear(784,10) differs from the training state's linear(784,16),relu,"
                + "linear(16,10); a resumed run must be the same run", "--model", "linear(784,10)");
        assertRefused("clnn: --epochs 4 differs from the training state's 2, and the cosine schedule without TMAX"
                + " anneals over the whole run, so the rates would change; resume with --epochs 2", "--epochs", "4");
        assertRefused("clnn: --seed 9 differs from the training state's 1; a resumed run must be the same run",
                "--seed", "9");
    }

    @Test
    void anAdamRunResumesWithItsOptimiserAndRefusesAnother() throws IOException {
        String[] adam = {"--schedule", "step:10,0.5", "--lr", "0.01", "--optimizer", "adamw", "--betas", "0.8,0.99",
            "--eps", "1e-6", "--amsgrad", "--weight-decay", "0.01"};
        Path three = tmp.resolve("three.safetensors");
        List<String> whole = new ArrayList<>(List.of(adam));
        whole.addAll(List.of("--epochs", "3", "--save", three.toString()));
        assertEquals(0, train(whole.toArray(String[]::new)).code());
        Path dir = tmp.resolve("ck");
        List<String> part = new ArrayList<>(List.of(adam));
        part.addAll(List.of("--epochs", "2", "--checkpoint-dir", dir.toString()));
        assertEquals(0, train(part.toArray(String[]::new)).code());
        assertRefused("clnn: --optimizer adam differs from the training state's adamw; a resumed run must be the"
                + " same run", "--optimizer", "adam");
        assertRefused("clnn: --momentum is an SGD option; --optimizer adamw takes --betas, --eps and --amsgrad",
                "--momentum", "0.9");
        // --optimizer, --betas, --eps and --amsgrad come from the state, and so do the moments.
        Path resumed = tmp.resolve("resumed.safetensors");
        CliRun r = CliRun.of("train", "--resume", dir.toString(), "--device", "cpu", "--epochs", "3", "--save",
                resumed.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(three), Files.readAllBytes(resumed));
    }

    @Test
    void otherDataIsRefused() throws IOException {
        Path dir = tmp.resolve("ck");
        assertEquals(0, train("--epochs", "1", "--checkpoint-dir", dir.toString()).code());
        Path other = SyntheticData.mnistFolder(Files.createDirectories(tmp.resolve("other")), 210, 50);
        CliRun r = CliRun.of("train", "--resume", dir.toString(), "--device", "cpu", "--data", other.toString());
        assertEquals(1, r.code());
        assertEquals("clnn: the training state was made with other data (its samples and labels differ); resume"
                + " with the same --data\n", r.err());
    }

    @Test
    void nothingToResumeIsOneLine() {
        CliRun r = CliRun.of("train", "--resume", tmp.resolve("none").toString(), "--device", "cpu");
        assertEquals(1, r.code());
        assertEquals("clnn: no training state to resume in " + tmp.resolve("none") + " (no such folder)\n", r.err());
        CliRun every = CliRun.of("train", "--checkpoint-every", "5", "--device", "cpu");
        assertEquals("clnn: --checkpoint-every needs --checkpoint-dir DIR (or --resume DIR)\n", every.err());
    }

    private void assertRefused(String line, String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--resume", tmp.resolve("ck").toString(), "--device",
                "cpu"));
        args.addAll(List.of(options));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(1, r.code(), r.out());
        assertEquals(line + "\n", r.err());
    }
}
