package dev.clnn.parallel;

import static dev.clnn.parallel.ParallelRuns.assertReplicasEqual;
import static dev.clnn.parallel.ParallelRuns.assertSameTraining;
import static dev.clnn.parallel.ParallelRuns.initial;
import static dev.clnn.parallel.ParallelRuns.options;
import static dev.clnn.parallel.ParallelRuns.train;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Batch;
import dev.clnn.data.BatchIterator;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.fixtures.NullOutput;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.optim.AdamSettings;
import dev.clnn.optim.OptimizerKind;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.StateBuffer;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.Evaluation;
import dev.clnn.train.LossKind;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Data-parallel training on several CPU reference replicas: the same steps as one device, for any split. */
class DataParallelStepTest {
    private static final String MODEL = "linear(20,16),relu,linear(16,5)";
    /** A device that fails must end the step with an error, not leave it waiting: generous for a 2-core machine. */
    private static final Duration NO_HANG = Duration.ofMinutes(1);
    private static final String CPU = "device 1 (" + new CpuBackend().name() + ")";

    @Test
    void twoAndThreeReplicasTrainAsOneOnTheSameBatches() {
        TrainOptions o = options(MODEL, 64, 7);
        Dataset data = SyntheticData.uniform(300, 20, 5, 11);
        ParallelRuns.Result one = train(cpus(1), o, data, 4);
        for (int n : new int[] {2, 3}) {
            ParallelRuns.Result split = train(cpus(n), o, data, 4);
            assertSameTraining(one, split, initial(o), n + " replicas");
            assertReplicasEqual(split, n + " replicas");
        }
    }

    @Test
    void dropoutDrawsOneDevicesMasksForEachGlobalRow() {
        // Each shard keys its masks with its rows' global indices, so the replicas drop what one device would, and
        // the split trains as one within the all-reduce's tolerance; uneven shards of 37 and 27 rows included.
        TrainOptions o = options("linear(20,16),relu,dropout(0.4),linear(16,9),dropout(0.2),linear(9,5)", 37, 3);
        Dataset data = SyntheticData.uniform(101, 20, 5, 5);
        ParallelRuns.Result one = train(cpus(1), o, data, 4);
        for (int n : new int[] {2, 3}) {
            ParallelRuns.Result split = train(cpus(n), o, data, 4);
            assertSameTraining(one, split, initial(o), n + " replicas with dropout");
            assertReplicasEqual(split, n + " replicas with dropout");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = OptimizerKind.class, names = {"ADAM", "ADAMW"})
    void adamSplitsAcrossReplicasAsOne(OptimizerKind kind) {
        // Every replica applies the same update to the same summed gradients, so replicas stay equal bit for bit
        // and the split differs from one device only by the rounding of the gradient sums, as for SGD.
        TrainOptions o = options(MODEL, 64, 7).toBuilder().optimizer(kind).lr(0.01).nesterov(false)
                .weightDecay(1e-2f).adam(new AdamSettings(0.9, 0.999, 1e-8, kind == OptimizerKind.ADAMW)).build();
        Dataset data = SyntheticData.uniform(300, 20, 5, 11);
        ParallelRuns.Result one = train(cpus(1), o, data, 4);
        for (int n : new int[] {2, 3}) {
            ParallelRuns.Result split = train(cpus(n), o, data, 4);
            assertSameTraining(one, split, initial(o), n + " replicas, " + kind.text());
            assertReplicasEqual(split, n + " replicas, " + kind.text());
        }
    }

    @Test
    void batchNormReplicasNormaliseTheirShardsAndAverageTheirRunningStatistics() {
        // Batch norm first, so its input is the data: rows 0-4 go to rank 0, rows 5-8 to rank 1 (9 rows).
        TrainOptions o = options("batchnorm1d(6),linear(6,5)", 9, 3);
        Dataset data = SyntheticData.uniform(9, 6, 5, 13);
        int[] sample = {6};
        try (DataParallelStep step = (DataParallelStep) DataParallelStep.factory(cpus(2)).open(o, sample,
                LrSchedule.constant(o.lr()))) {
            Batch batch = BatchIterator.shuffled(data, 9, 3, 1).next();
            step.step(batch);
            float[] x = batch.x();
            double[] mean = new double[6];
            double[] var = new double[6];
            for (int[] rows : new int[][] {{0, 5}, {5, 9}}) {
                int m = rows[1] - rows[0];
                for (int f = 0; f < 6; f++) {
                    double sum = 0;
                    for (int r = rows[0]; r < rows[1]; r++) {
                        sum += x[r * 6 + f];
                    }
                    double mu = sum / m;
                    double squares = 0;
                    for (int r = rows[0]; r < rows[1]; r++) {
                        squares += (x[r * 6 + f] - mu) * (x[r * 6 + f] - mu);
                    }
                    // Each replica: 0.9·(0, 1) + 0.1·(its shard's mean, unbiased variance); then the mean of both.
                    mean[f] += 0.1 * mu / 2;
                    var[f] += (0.9 + 0.1 * squares / (m - 1)) / 2;
                }
            }
            for (Sequential model : step.replicaModels()) {
                Map<String, StateBuffer> b = model.namedBuffers();
                float[] rm = b.get("0.running_mean").readFloats();
                float[] rv = b.get("0.running_var").readFloats();
                for (int f = 0; f < 6; f++) {
                    assertEquals(mean[f], rm[f], 1e-6, "running_mean[" + f + "]");
                    assertEquals(var[f], rv[f], 1e-6, "running_var[" + f + "]");
                }
                assertEquals(1, b.get("0.num_batches_tracked").count());
            }
            assertArrayEquals(step.replicaModels().get(0).namedBuffers().get("0.running_var").readFloats(),
                    step.replicaModels().get(1).namedBuffers().get("0.running_var").readFloats());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = LossKind.class, names = {"MSE", "KL"})
    void everyLossSplitsAcrossReplicasAsOne(LossKind loss) {
        // Both reduce by a mean over rows (mse over rows × outputs, kl over rows), so a shard's weight is its rows'
        // share of the batch, as for the cross-entropy; 101 rows in batches of 37 split unevenly.
        TrainOptions o = options("linear(12,16),relu,linear(16,3)", 37, 3).toBuilder().loss(loss).build();
        Dataset rows = SyntheticData.stripedFeatures(101, 5);
        Dataset data = loss == LossKind.MSE ? SyntheticData.regression(rows) : SyntheticData.softTargets(rows);
        ParallelRuns.Result one = train(cpus(1), o, data, 4);
        for (int n : new int[] {2, 3}) {
            ParallelRuns.Result split = train(cpus(n), o, data, 4);
            assertSameTraining(one, split, initial(o), n + " replicas, " + loss.text());
            assertReplicasEqual(split, n + " replicas, " + loss.text());
        }
    }

    @Test
    void clippingSeesTheSummedGradientAsOneDeviceDoes() {
        // The update runs after the all-reduce, so the norm is the whole batch's gradient's, as on one device, and
        // only the summation order differs. 0.05 is below every step's gradient norm here, so every step clips.
        TrainOptions o = options(MODEL, 37, 7).toBuilder().clipGradNorm(0.05f).build();
        Dataset data = SyntheticData.uniform(101, 20, 5, 17);
        ParallelRuns.Result one = train(cpus(1), o, data, 4);
        ParallelRuns.Result unclipped = train(cpus(1), options(MODEL, 37, 7), data, 4);
        assertTrue(!Arrays.equals(one.losses(), unclipped.losses()), "clipping changed nothing");
        for (int n : new int[] {2, 3}) {
            ParallelRuns.Result split = train(cpus(n), o, data, 4);
            assertSameTraining(one, split, initial(o), n + " replicas, clipped");
            assertReplicasEqual(split, n + " replicas, clipped");
        }
    }

    @Test
    void oddBatchesAndAShortLastBatchAreSplitUnevenly() {
        // 101 samples in batches of 37: 37, 37 and a last batch of 27; shards 19/18, 13/12/12, 10/9/9/9, …
        TrainOptions o = options(MODEL, 37, 3);
        Dataset data = SyntheticData.uniform(101, 20, 5, 5);
        ParallelRuns.Result one = train(cpus(1), o, data, 4);
        for (int n : new int[] {2, 3, 4}) {
            ParallelRuns.Result split = train(cpus(n), o, data, 4);
            assertSameTraining(one, split, initial(o), n + " replicas, batch 37");
            assertReplicasEqual(split, n + " replicas, batch 37");
        }
    }

    @Test
    void batchesSmallerThanTheReplicaCountLeaveSomeReplicasIdle() {
        // Batches of 2 and a last one of 1 over 3 replicas: shards 1/1/0 and 1/0/0.
        TrainOptions o = options(MODEL, 2, 9);
        Dataset data = SyntheticData.uniform(7, 20, 5, 13);
        ParallelRuns.Result one = train(cpus(1), o, data, 5);
        ParallelRuns.Result split = train(cpus(3), o, data, 5);
        assertSameTraining(one, split, initial(o), "3 replicas, batch 2");
        assertReplicasEqual(split, "3 replicas, batch 2");
    }

    @Test
    void oneReplicaTrainsBitForBitAsTheSingleDeviceTrainer(@TempDir Path dir) throws IOException {
        DatasetSplit data = new DatasetSplit(SyntheticData.uniform(150, 20, 5, 21), SyntheticData.uniform(40, 20, 5, 22));
        Path single = dir.resolve("single.safetensors");
        Path parallel = dir.resolve("parallel.safetensors");
        try (CpuBackend cpu = new CpuBackend()) {
            Evaluation a = new Trainer(cpu, saving(single), NullOutput.printStream(), false).run(data);
            Evaluation b = new Trainer(DataParallelStep.factory(List.of(cpu)), saving(parallel), NullOutput.printStream(), false)
                    .run(data);
            assertEquals(a, b);
        }
        assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(parallel),
                "the weights of one replica differ from the single-device trainer's");
    }

    @Test
    void aDeviceFailingInTheBackwardPassIsNamedAndNothingHangs() {
        // Each step makes 5 GEMM calls per replica (2 forward, 3 backward): call 14 is in step 3's backward.
        DeviceFailedException e = failingRun("gemm", 14);
        assertEquals(1, e.rank());
        assertTrue(e.getMessage().startsWith(CPU + " failed in the forward and backward pass of step 3:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("injected failure of gemm"), e.getMessage());
    }

    @Test
    void aDeviceFailingInTheAllReduceIsNamedAndNothingHangs() {
        // The first readFloats of a replica is its gradient read at the end of step 1's backward pass.
        DeviceFailedException e = failingRun("readFloats", 1);
        assertTrue(e.getMessage().startsWith(CPU + " failed in the forward and backward pass of step 1: reading its"
                + " gradients for the all-reduce: injected failure of readFloats"), e.getMessage());
    }

    private static DeviceFailedException failingRun(String op, int call) {
        TrainOptions o = options(MODEL, 16, 1);
        Dataset data = SyntheticData.uniform(100, 20, 5, 1);
        List<Backend> backends = List.of(new CpuBackend(), FailingBackend.failingAt(new CpuBackend(), op, call));
        return assertTimeoutPreemptively(NO_HANG, () -> assertThrows(DeviceFailedException.class,
                () -> train(backends, o, data, 6)));
    }

    private static TrainOptions saving(Path file) {
        TrainOptions o = options(MODEL, 32, 4);
        return o.toBuilder().epochs(2).schedule("cosine").warmup(3).save(file).build();
    }

    private static List<Backend> cpus(int n) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            backends.add(new CpuBackend());
        }
        return backends;
    }
}
