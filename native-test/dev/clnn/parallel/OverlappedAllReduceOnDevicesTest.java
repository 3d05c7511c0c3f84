package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.opencl.DeviceGradientSum;
import dev.clnn.backend.opencl.SharedContextGradientSum;
import dev.clnn.data.Dataset;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingStep;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The device paths of the all-reduce overlapped with the backward pass (each bucket mapped behind its layers' backward
 * ops and summed in a context of its own, {@link DeviceGradientSum}; or, for devices in one context, summed on a
 * second queue behind each rank's marker, {@link SharedContextGradientSum}) give the bits of the sum after the
 * backward pass, on two POCL devices and on three replicas (the first device opened twice), with an empty shard,
 * dropout and batch norm. Run by the {@code multi-device-test} execution.
 */
@Tag("multidevice")
class OverlappedAllReduceOnDevicesTest {
    /** A bucket per layer with parameters, a few layers per bucket, one bucket for everything. */
    private static final int[] BUCKET_ELEMENTS = {1, 2000, Integer.MAX_VALUE};

    private static PoclReplicas replicas;
    private static List<Backend> two;
    private static List<Backend> three;
    private static List<Backend> sharedTwo; // in one context: the sums wait on the devices
    private static List<Backend> sharedThree;

    @BeforeAll
    static void open() {
        replicas = PoclReplicas.open();
        two = replicas.two();
        three = replicas.three();
        assertTrue(DeviceGradientSum.supports(three), "POCL's CPU devices share the host's memory");
        sharedTwo = replicas.sharedTwo();
        sharedThree = replicas.sharedThree();
        assertTrue(SharedContextGradientSum.supports(sharedThree), "opened as a group, in one context");
    }

    @AfterAll
    static void close() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void awkwardMlpGivesTheSameBitsOnTheDevices() {
        sameBits("linear(50,33),relu,linear(33,61),relu,linear(61,10)", 37, 50);
    }

    @Test
    void dropoutAndBatchNormGiveTheSameBitsOnTheDevices() {
        sameBits("batchnorm1d(20),linear(20,33),relu,dropout(0.3),linear(33,10)", 29, 20);
    }

    @Test
    void anEmptyShardMapsItsBucketsAndReceivesTheSums() {
        sameBits("linear(50,33),relu,linear(33,10)", 2, 50); // on three replicas, rank 2's shard is empty
    }

    @Test
    void aDeviceFailingMidBackwardInASharedContextIsNamedAndNothingHangs() {
        // 5 GEMM calls per replica and step (2 forward, 3 backward): call 9 is in step 2's backward pass. The sum is
        // the shared context's, over the devices the wrapper delegates to.
        TrainOptions o = ParallelRuns.options("linear(50,33),relu,linear(33,10)", 32, 1);
        Dataset data = SyntheticData.uniform(200, 50, 10, 1);
        List<Backend> wrapped = List.of(sharedTwo.get(0), FailingBackend.failingAt(sharedTwo.get(1), "gemm", 9));
        TrainingStep.Factory failing = DataParallelStep.factory(wrapped, AllReduceSchedule.OVERLAPPED, 1,
                (backends, shapes) -> Optional.of(new SharedContextGradientSum(sharedTwo, shapes)));
        DeviceFailedException e = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> assertThrows(
                DeviceFailedException.class, () -> ParallelRuns.train(failing, wrapped, o, data, 4)));
        assertTrue(e.getMessage().startsWith("device 1 (" + sharedTwo.get(1).name() + ") failed in the forward and"
                + " backward pass and optimiser update of step 2: injected failure of gemm"), e.getMessage());
        // Both devices are still usable: the failure left nothing waiting on them.
        ParallelRuns.Result after = ParallelRuns.train(sharedTwo, o, data, 1);
        assertTrue(Float.isFinite(after.losses()[0]), "a step after the failure");
    }

    private static void sameBits(String model, int batch, int features) {
        TrainOptions o = ParallelRuns.options(model, batch, 5);
        Dataset data = SyntheticData.uniform(101, features, 10, 9);
        for (List<Backend> backends : List.of(two, three, sharedTwo, sharedThree)) {
            ParallelRuns.Result after = ParallelRuns.train(
                    DataParallelStep.factory(backends, AllReduceSchedule.AFTER_BACKWARD), backends, o, data, 4);
            for (int bucket : BUCKET_ELEMENTS) {
                ParallelRuns.Result overlapped = ParallelRuns.train(
                        DataParallelStep.factory(backends, AllReduceSchedule.OVERLAPPED, bucket), backends, o, data, 4);
                String what = model + ", " + backends.size() + " replicas, buckets of " + bucket;
                assertArrayEquals(after.losses(), overlapped.losses(), "losses, " + what);
                for (int r = 0; r < backends.size(); r++) {
                    for (String name : after.params().keySet()) {
                        assertArrayEquals(after.replicas().get(r).get(name), overlapped.replicas().get(r).get(name),
                                name + " of rank " + r + ", " + what);
                    }
                }
            }
        }
    }
}
