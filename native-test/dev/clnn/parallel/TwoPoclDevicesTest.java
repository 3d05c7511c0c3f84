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
import dev.clnn.backend.Backends;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.fixtures.NullOutput;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.train.Evaluation;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on two POCL devices in one process. The Maven execution {@code multi-device-test} runs
 * this class in a JVM of its own with {@code POCL_DEVICES="pthread pthread"}, so POCL lists two devices.
 */
@Tag("multidevice")
class TwoPoclDevicesTest {
    private static final String MODEL = "linear(50,33),relu,linear(33,10)";
    /** A device that fails must end the step with an error, not leave it waiting: generous for a 2-core machine. */
    private static final Duration NO_HANG = Duration.ofMinutes(2);

    static String first;
    static String second;
    private static Backend device0;
    private static Backend device1;

    @BeforeAll
    static void openTwoDevices() {
        List<String> pocl = PoclDevices.selectors();
        first = pocl.get(0);
        second = pocl.get(1);
        device0 = Backends.open(first);
        device1 = Backends.open(second);
    }

    @AfterAll
    static void close() {
        if (device0 != null) {
            device0.close();
            device1.close();
        }
    }

    @Test
    void kStepsOnTwoDevicesEqualKStepsOnOne() {
        TrainOptions o = options(MODEL, 64, 7);
        Dataset data = SyntheticData.uniform(300, 50, 10, 11);
        ParallelRuns.Result one = train(List.of(device0), o, data, 4);
        ParallelRuns.Result two = train(List.of(device0, device1), o, data, 4);
        assertSameTraining(one, two, initial(o), "two POCL devices");
        assertReplicasEqual(two, "two POCL devices");
    }

    @Test
    void anOddBatchAndAShortLastBatchSplitOverTwoDevices() {
        // 101 samples in batches of 37: shards 19/18, 19/18 and 14/13.
        TrainOptions o = options(MODEL, 37, 3);
        Dataset data = SyntheticData.uniform(101, 50, 10, 5);
        ParallelRuns.Result one = train(List.of(device0), o, data, 3);
        ParallelRuns.Result two = train(List.of(device0, device1), o, data, 3);
        assertSameTraining(one, two, initial(o), "two POCL devices, batch 37");
        assertReplicasEqual(two, "two POCL devices, batch 37");
    }

    @Test
    void anOpenClDeviceAndTheCpuReferenceTrainAsOneDevice() {
        TrainOptions o = options(MODEL, 64, 8);
        Dataset data = SyntheticData.uniform(200, 50, 10, 3);
        try (CpuBackend cpu = new CpuBackend()) {
            ParallelRuns.Result one = train(List.of(device0), o, data, 3);
            ParallelRuns.Result mixed = train(List.of(device0, cpu), o, data, 3);
            assertSameTraining(one, mixed, initial(o), "POCL and the CPU reference");
            // The SGD update is bit-identical on both (SgdUpdateParityTest), so the replicas stay equal.
            assertReplicasEqual(mixed, "POCL and the CPU reference");
        }
    }

    @Test
    void oneDeviceTrainsBitForBitAsTheSingleDeviceTrainer(@TempDir Path dir) throws IOException {
        DatasetSplit data = new DatasetSplit(SyntheticData.uniform(150, 50, 10, 21), SyntheticData.uniform(40, 50, 10, 22));
        Path single = dir.resolve("single.safetensors");
        Path parallel = dir.resolve("parallel.safetensors");
        Evaluation a = new Trainer(device0, saving(single), NullOutput.printStream(), false).run(data);
        Evaluation b = new Trainer(DataParallelStep.factory(List.of(device0)), saving(parallel), NullOutput.printStream(), false)
                .run(data);
        assertEquals(a, b);
        assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(parallel),
                "the weights of one replica differ from the single-device trainer's");
    }

    @Test
    void aDeviceFailingMidStepIsNamedAndNothingHangs() {
        // 5 GEMM calls per replica and step (2 forward, 3 backward): call 9 is in step 2's backward pass.
        TrainOptions o = options(MODEL, 32, 1);
        Dataset data = SyntheticData.uniform(200, 50, 10, 1);
        List<Backend> backends = List.of(device0, FailingBackend.failingAt(device1, "gemm", 9));
        DeviceFailedException e = assertTimeoutPreemptively(NO_HANG, () -> assertThrows(DeviceFailedException.class,
                () -> train(backends, o, data, 4)));
        assertTrue(e.getMessage().startsWith("device 1 (" + device1.name() + ") failed in the forward and backward"
                + " pass of step 2: injected failure of gemm"), e.getMessage());
        // Both devices are still usable: the failure left nothing enqueued behind.
        ParallelRuns.Result after = train(List.of(device0, device1), o, data, 1);
        assertTrue(Float.isFinite(after.losses()[0]), "a step after the failure");
    }

    private static TrainOptions saving(Path file) {
        TrainOptions o = options(MODEL, 32, 4);
        return o.toBuilder().epochs(2).schedule("cosine").warmup(3).save(file).build();
    }
}
