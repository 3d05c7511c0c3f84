package dev.clnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.data.DatasetSplit;
import dev.clnn.fixtures.NullOutput;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.optim.AdamSettings;
import dev.clnn.optim.OptimizerKind;
import dev.clnn.parallel.DataParallelStep;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run stopped anywhere and resumed from its newest state ends with the very bits of an uninterrupted run: weights,
 * metrics rows (all but the timing column) and plot. 203 samples in batches of 16 are 13 steps an epoch, the last
 * of 11 samples; momentum with Nesterov and weight decay make the optimiser state matter.
 */
class ResumeTest {
    private static final int STEPS_PER_EPOCH = 13;
    private static final int EPOCHS = 3;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "stopped after step {0}")
    // Mid-epoch, the last step of an epoch (stopped before its evaluation), the first step, the run's last step.
    @ValueSource(ints = {5, 13, 1, 27, 39})
    void aStoppedRunResumesBitForBit(int stopStep) throws IOException {
        Path whole = run("whole", CheckpointOptions.none(), new StopRequest());

        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(stopStep);
        TrainingStoppedException e = assertThrows(TrainingStoppedException.class,
                () -> run("parts", new CheckpointOptions(dir, 0, 3, false), stop));
        assertTrue(e.getMessage().startsWith("stopped by the planned stop at step " + stopStep + " after step "
                + stopStep + " (epoch "), e.getMessage());
        assertEquals(dir.resolve(String.format("state-%012d.safetensors", stopStep)), e.state());
        Path parts = run("parts", new CheckpointOptions(dir, 0, 3, true), new StopRequest());

        assertSameRun(whole, parts);
    }

    @Test
    void periodicStatesAndADamagedNewestOneStillEndBitForBit() throws IOException {
        Path whole = run("whole", CheckpointOptions.none(), new StopRequest());
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(20);
        assertThrows(TrainingStoppedException.class, () -> run("parts", new CheckpointOptions(dir, 4, 2, false),
                stop));
        // Steps 16 and 20 kept (keep 2); damage 20, so the run goes on from 16.
        List<Path> states = new StateDirectory(dir, 2).states();
        assertEquals(List.of(dir.resolve("state-000000000020.safetensors"),
                dir.resolve("state-000000000016.safetensors")), states);
        byte[] bytes = Files.readAllBytes(states.get(0));
        Files.write(states.get(0), Arrays.copyOf(bytes, bytes.length - 3));

        String out = runPrinting("parts", new CheckpointOptions(dir, 4, 2, true));
        assertTrue(out.contains("checkpoint " + states.get(0) + ": unreadable: "), out);
        assertTrue(out.contains("resuming from " + states.get(1) + ": epoch 2, 16 steps done"), out);
        assertSameRun(whole, tmp.resolve("parts"));
    }

    @Test
    void aDataParallelRunResumesBitForBit() throws IOException {
        // Two CPU replicas, each batch split 8 + 8 (the last, of 11 rows, 6 + 5): stopped mid-epoch 2, resumed.
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        new Trainer(twoReplicas(), options(whole), CheckpointOptions.none(), new StopRequest(), NullOutput.printStream(), false)
                .run(data());
        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(17);
        assertThrows(TrainingStoppedException.class, () -> new Trainer(twoReplicas(), options(parts),
                new CheckpointOptions(dir, 0, 3, false), stop, NullOutput.printStream(), false).run(data()));
        new Trainer(twoReplicas(), options(parts), new CheckpointOptions(dir, 0, 3, true), new StopRequest(),
                NullOutput.printStream(), false).run(data());
        assertSameRun(whole, parts);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = LossKind.class, names = {"MSE", "KL"})
    void everyLossResumesBitForBit(LossKind loss) throws IOException {
        DatasetSplit data = switch (loss) {
            case MSE -> new DatasetSplit(SyntheticData.regression(data().train()),
                    SyntheticData.regression(data().test()));
            default -> new DatasetSplit(SyntheticData.softTargets(data().train()),
                    SyntheticData.softTargets(data().test()));
        };
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        new Trainer(new CpuBackend(), options(whole).toBuilder().loss(loss).build(), CheckpointOptions.none(),
                new StopRequest(), NullOutput.printStream(), false).run(data);
        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(20);
        TrainOptions options = options(parts).toBuilder().loss(loss).build();
        assertThrows(TrainingStoppedException.class, () -> new Trainer(new CpuBackend(), options,
                new CheckpointOptions(dir, 0, 3, false), stop, NullOutput.printStream(), false).run(data));
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> new Trainer(
                new CpuBackend(), options.toBuilder().loss(LossKind.CE).build(), new CheckpointOptions(dir, 0, 3, true),
                new StopRequest(), NullOutput.printStream(), false).run(data()));
        assertTrue(other.getMessage().startsWith("--loss ce differs from the training state's " + loss.text()),
                other.getMessage());
        new Trainer(new CpuBackend(), options, new CheckpointOptions(dir, 0, 3, true), new StopRequest(),
                NullOutput.printStream(), false).run(data);
        assertSameRun(whole, parts);
        String header = Files.readAllLines(parts.resolve("m.csv")).get(0);
        assertEquals(loss == LossKind.MSE ? "step,epoch,loss,lr,samples_per_s,test_loss,test_rmse,test_mae,test_r2"
                : "step,epoch,loss,lr,samples_per_s,test_loss,test_accuracy", header);
    }

    @Test
    void aClippedRunResumesBitForBitAndOnlyWithItsLimit() throws IOException {
        // 0.05 is well below this model's gradient norms, so every step is clipped and the limit shapes the run.
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        new Trainer(new CpuBackend(), clipped(whole, 0.05f), CheckpointOptions.none(), new StopRequest(),
                NullOutput.printStream(), false).run(data());
        Path plain = run("plain", CheckpointOptions.none(), new StopRequest());
        assertTrue(!Arrays.equals(Files.readAllBytes(whole.resolve("w.safetensors")),
                Files.readAllBytes(plain.resolve("w.safetensors"))), "clipping changed nothing");

        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(18);
        assertThrows(TrainingStoppedException.class, () -> new Trainer(new CpuBackend(), clipped(parts, 0.05f),
                new CheckpointOptions(dir, 0, 3, false), stop, NullOutput.printStream(), false).run(data()));
        CheckpointOptions resume = new CheckpointOptions(dir, 0, 3, true);
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> train(clipped(tmp.resolve("b"), 0.5f), resume));
        assertEquals("--clip-grad-norm 0.5 differs from the training state's 0.05; a resumed run must be the same run",
                other.getMessage());
        IllegalArgumentException off = assertThrows(IllegalArgumentException.class,
                () -> train(options(tmp.resolve("b")), resume));
        assertTrue(off.getMessage().startsWith("the training state clips gradients (--clip-grad-norm 0.05)"),
                off.getMessage());
        new Trainer(new CpuBackend(), clipped(parts, 0.05f), resume, new StopRequest(), NullOutput.printStream(),
                false).run(data());
        assertSameRun(whole, parts);
    }

    @Test
    void aStateWithoutClippingRefusesAClippedResume() throws IOException {
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(3);
        assertThrows(TrainingStoppedException.class, () -> run("a", new CheckpointOptions(dir, 0, 3, false), stop));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(clipped(tmp.resolve("b"), 1f), new CheckpointOptions(dir, 0, 3, true)));
        assertEquals("--clip-grad-norm 1.0 differs from the training state's (none); a resumed run must be the same"
                + " run", e.getMessage());
    }

    private static TrainOptions clipped(Path out, float maxNorm) {
        return options(out).toBuilder().clipGradNorm(maxNorm).build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = OptimizerKind.class, names = {"ADAM", "ADAMW"})
    void adamResumesBitForBitMidEpoch(OptimizerKind kind) throws IOException {
        // amsgrad with AdamW, so all three of m, v and vmax travel through the state; L2 decay with Adam.
        AdamSettings adam = new AdamSettings(0.8, 0.99, 1e-6, kind == OptimizerKind.ADAMW);
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        train(adamOptions(whole, kind, adam), CheckpointOptions.none());
        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(20);
        TrainOptions options = adamOptions(parts, kind, adam);
        assertThrows(TrainingStoppedException.class, () -> new Trainer(new CpuBackend(), options,
                new CheckpointOptions(dir, 0, 3, false), stop, NullOutput.printStream(), false).run(data()));
        IllegalArgumentException sgd = assertThrows(IllegalArgumentException.class,
                () -> train(options(tmp.resolve("b")), new CheckpointOptions(dir, 0, 3, true)));
        assertEquals("--optimizer sgd differs from the training state's " + kind.text()
                + "; a resumed run must be the same run", sgd.getMessage());
        train(options, new CheckpointOptions(dir, 0, 3, true));
        assertSameRun(whole, parts);
    }

    private static TrainOptions adamOptions(Path out, OptimizerKind kind, AdamSettings adam) {
        return options(out).toBuilder().optimizer(kind).adam(adam).lr(0.01).nesterov(false).weightDecay(1e-2f)
                .build();
    }

    /**
     * Dropout's masks are keyed by the optimiser's step, which a training state keeps, not by a generator's state:
     * a resumed run draws the masks the whole run drew, on one device and on two replicas alike.
     */
    @ParameterizedTest(name = "replicas {0}")
    @ValueSource(ints = {1, 2})
    void aRunWithDropoutResumesBitForBit(int replicas) throws IOException {
        String model = "linear(12,9),relu,dropout(0.3),linear(9,3)";
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        new Trainer(factory(replicas), options(whole).toBuilder().model(model).build(), CheckpointOptions.none(),
                new StopRequest(), NullOutput.printStream(), false).run(data());
        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(17);
        TrainOptions options = options(parts).toBuilder().model(model).build();
        assertThrows(TrainingStoppedException.class, () -> new Trainer(factory(replicas), options,
                new CheckpointOptions(dir, 0, 3, false), stop, NullOutput.printStream(), false).run(data()));
        new Trainer(factory(replicas), options, new CheckpointOptions(dir, 0, 3, true), new StopRequest(),
                NullOutput.printStream(), false).run(data());
        assertSameRun(whole, parts);

        // the masks did something: the same run without dropout ends elsewhere
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        new Trainer(factory(replicas), options(plain).toBuilder().model("linear(12,9),relu,dropout(0),linear(9,3)")
                .build(), CheckpointOptions.none(), new StopRequest(), NullOutput.printStream(), false).run(data());
        assertFalse(Arrays.equals(Files.readAllBytes(whole.resolve("w.safetensors")),
                Files.readAllBytes(plain.resolve("w.safetensors"))), "dropout changed nothing");
    }

    private static TrainingStep.Factory factory(int replicas) {
        return replicas == 1 ? SingleDeviceStep.factory(new CpuBackend()) : twoReplicas();
    }

    @ParameterizedTest(name = "replicas={0}")
    @ValueSource(ints = {1, 2})
    void aBatchNormRunResumesBitForBitWithItsRunningStatistics(int replicas) throws IOException {
        // The running statistics and num_batches_tracked travel in the training state; with two replicas they are
        // averaged after every step, so both must be restored into every replica.
        String model = "linear(12,9),batchnorm1d(9),relu,linear(9,3)";
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        TrainingStep.Factory factory = replicas == 1 ? SingleDeviceStep.factory(new CpuBackend()) : twoReplicas();
        new Trainer(factory, options(whole).toBuilder().model(model).build(), CheckpointOptions.none(),
                new StopRequest(), NullOutput.printStream(), false).run(data());
        Path parts = Files.createDirectories(tmp.resolve("parts"));
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(17);
        TrainOptions options = options(parts).toBuilder().model(model).build();
        assertThrows(TrainingStoppedException.class, () -> new Trainer(replicas == 1
                ? SingleDeviceStep.factory(new CpuBackend()) : twoReplicas(), options,
                new CheckpointOptions(dir, 0, 3, false), stop, NullOutput.printStream(), false).run(data()));
        new Trainer(replicas == 1 ? SingleDeviceStep.factory(new CpuBackend()) : twoReplicas(), options,
                new CheckpointOptions(dir, 0, 3, true), new StopRequest(), NullOutput.printStream(), false)
                .run(data());
        assertSameRun(whole, parts);
        String header = new String(Files.readAllBytes(parts.resolve("w.safetensors")), StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]"), "saved buffers");
    }

    private static TrainingStep.Factory twoReplicas() {
        return DataParallelStep.factory(List.of(new CpuBackend(), new CpuBackend()));
    }

    @Test
    void optionsThatChangeTheRunAreRefusedByName() throws IOException {
        Path dir = tmp.resolve("states");
        StopRequest stop = new StopRequest();
        stop.stopAtStep(3);
        assertThrows(TrainingStoppedException.class, () -> run("a", new CheckpointOptions(dir, 0, 3, false), stop));
        CheckpointOptions resume = new CheckpointOptions(dir, 0, 3, true);

        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> train(options(tmp.resolve("b"), 8, EPOCHS), resume));
        assertEquals("--batch 8 differs from the training state's 16; a resumed run must be the same run",
                batch.getMessage());
        IllegalArgumentException epochs = assertThrows(IllegalArgumentException.class,
                () -> train(options(tmp.resolve("b"), 16, 5), resume));
        assertTrue(epochs.getMessage().startsWith("--epochs 5 differs from the training state's 3, and the cosine"
                + " schedule without TMAX anneals over the whole run"), epochs.getMessage());
    }

    private Path run(String name, CheckpointOptions checkpoints, StopRequest stop) throws IOException {
        Path out = Files.createDirectories(tmp.resolve(name));
        new Trainer(new CpuBackend(), options(out), checkpoints, stop, NullOutput.printStream(), false).run(data());
        return out;
    }

    private String runPrinting(String name, CheckpointOptions checkpoints) throws IOException {
        Path out = Files.createDirectories(tmp.resolve(name));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TrainOptions o = options(out);
        TrainOptions loud = o.toBuilder().quiet(false).build();
        new Trainer(new CpuBackend(), loud, checkpoints, new StopRequest(),
                new PrintStream(text, true, StandardCharsets.UTF_8), false).run(data());
        return text.toString(StandardCharsets.UTF_8);
    }

    private static TrainOptions options(Path out) {
        return options(out, 16, EPOCHS);
    }

    private static TrainOptions options(Path out, int batch, int epochs) {
        return TrainOptions.builder().model("linear(12,9),relu,linear(9,3)").epochs(epochs).batch(batch)
                .sgd(0.1, 0.9f).nesterov(true).weightDecay(1e-3f).schedule("cosine").warmup(2).seed(7)
                .save(out.resolve("w.safetensors")).metrics(out.resolve("m.csv")).plot(out.resolve("plot.png"))
                .quiet(true).build();
    }

    private void train(TrainOptions options, CheckpointOptions resume) throws IOException {
        Files.createDirectories(options.save().getParent());
        new Trainer(new CpuBackend(), options, resume, new StopRequest(), NullOutput.printStream(), false).run(data());
    }

    private static DatasetSplit data() {
        return new DatasetSplit(SyntheticData.stripedFeatures(203, 11), SyntheticData.stripedFeatures(50, 12));
    }

    private static void assertSameRun(Path whole, Path parts) throws IOException {
        assertArrayEquals(Files.readAllBytes(whole.resolve("w.safetensors")),
                Files.readAllBytes(parts.resolve("w.safetensors")), "final weights differ");
        assertEquals(withoutRate(whole.resolve("m.csv")), withoutRate(parts.resolve("m.csv")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("plot.png")), Files.readAllBytes(parts.resolve("plot.png")),
                "plots differ");
    }

    /** The metrics rows without the samples/s column, the one that depends on timing. */
    private static List<String> withoutRate(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> l.replaceFirst("^([^,]*,[^,]*,[^,]*,[^,]*),[^,]*", "$1"))
                .toList();
    }
}
