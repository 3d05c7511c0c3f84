package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.opencl.DeviceGradientSum;
import dev.clnn.backend.opencl.SharedContextGradientSum;
import dev.clnn.data.Dataset;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.train.TrainOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

    private static final List<Backend> opened = new ArrayList<>();
    private static List<Backend> two;
    private static List<Backend> three;
    private static List<Backend> sharedTwo; // in one context: the sums wait on the devices
    private static List<Backend> sharedThree;

    @BeforeAll
    static void open() {
        List<String> pocl = PoclDevices.selectors();
        Backend device0 = opened(pocl.get(0));
        Backend device1 = opened(pocl.get(1));
        two = List.of(device0, device1);
        three = List.of(device0, device1, opened(pocl.get(0)));
        assertTrue(DeviceGradientSum.supports(three), "POCL's CPU devices share the host's memory");
        sharedTwo = Backends.openGroup(List.of(pocl.get(0), pocl.get(1)), Set.of());
        opened.addAll(sharedTwo);
        sharedThree = Backends.openGroup(List.of(pocl.get(0), pocl.get(1), pocl.get(0)), Set.of());
        opened.addAll(sharedThree);
        assertTrue(SharedContextGradientSum.supports(sharedThree), "opened as a group, in one context");
    }

    private static Backend opened(String selector) {
        Backend b = Backends.open(selector);
        opened.add(b);
        return b;
    }

    @AfterAll
    static void close() {
        opened.forEach(Backend::close);
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
