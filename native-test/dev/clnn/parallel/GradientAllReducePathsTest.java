package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.DeviceGradientSum;
import dev.clnn.backend.opencl.SharedContextGradientSum;
import dev.clnn.nn.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The all-reduce's paths, the kernel on the devices ({@link DeviceGradientSum} for devices in contexts of their own,
 * {@link SharedContextGradientSum} for devices in one context) and the sum through the host, give the same bits on
 * two POCL devices (and three replicas, the first device opened twice), for parameters of awkward sizes and batches
 * with an empty shard. Run by the {@code multi-device-test} execution.
 */
@Tag("multidevice")
class GradientAllReducePathsTest {
    /** 1, odd, prime and larger than a work-group of 256 many times over. */
    private static final int[] SIZES = {1, 7, 97, 4099, 70_001};

    private static PoclReplicas replicas;
    private static Backend device0;
    private static Backend device1;
    private static Backend device0Again; // a context of its own: a third replica
    private static List<Backend> sharedTwo; // two devices in one context
    private static List<Backend> sharedThree; // the first device twice and the second, in one context

    @BeforeAll
    static void open() {
        replicas = PoclReplicas.open();
        device0 = replicas.device0();
        device1 = replicas.device1();
        device0Again = replicas.device0Again();
        sharedTwo = replicas.sharedTwo();
        sharedThree = replicas.sharedThree();
    }

    @AfterAll
    static void close() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void twoPoclDevicesSumOnTheDevices() {
        assertTrue(DeviceGradientSum.supports(List.of(device0, device1)), "POCL's CPU devices share host memory");
        assertFalse(DeviceGradientSum.supports(List.of(device0, new CpuBackend())), "the CPU reference");
    }

    @Test
    void devicesOpenedAsAGroupShareAContextAndSumInPlace() {
        assertTrue(SharedContextGradientSum.supports(sharedTwo));
        assertTrue(SharedContextGradientSum.supports(sharedThree));
        assertFalse(SharedContextGradientSum.supports(List.of(device0, device1)), "contexts of their own");
        assertFalse(SharedContextGradientSum.supports(List.of(sharedTwo.get(0), device1)), "one of them shared");
    }

    @Test
    void aSharedContextGivesTheHostPathsBits() {
        for (int rows : new int[] {256, 5, 2}) {
            samePaths(sharedTwo, rows, 4);
        }
    }

    @Test
    void aSharedContextsEmptyShardIsNotReadButReceivesTheSum() {
        samePaths(sharedTwo, 1, 5);
        for (int rows : new int[] {7, 2}) {
            samePaths(sharedThree, rows, 6);
        }
    }

    @Test
    void aFailureOfTheSharedContextsSumNamesTheDevice() {
        List<List<Param>> params = params(sharedTwo, new SplittableRandom(7), -1);
        GradientAllReduce allReduce = new GradientAllReduce(sharedTwo, params);
        allReduce.close(); // the replicas' gradient buffers are gone: the sum fails
        try (DeviceThreads threads = new DeviceThreads(sharedTwo.stream().map(Backend::name).toList())) {
            DeviceFailedException e = assertThrows(DeviceFailedException.class,
                    () -> allReduce.run(threads, ShardPlan.split(4, 2), 3));
            assertTrue(e.getMessage().startsWith("device 0 (" + sharedTwo.get(0).name() + ") failed in summing"
                    + " gradients on the device in the all-reduce of step 3: summing every replica's gradients"),
                    e.getMessage());
        } finally {
            params.forEach(ps -> ps.forEach(Param::close));
        }
    }

    @Test
    void twoDevicesGiveTheHostPathsBits() {
        for (int rows : new int[] {256, 5, 2}) {
            samePaths(List.of(device0, device1), rows, 1);
        }
    }

    @Test
    void anEmptyShardIsNotReadButReceivesTheSum() {
        samePaths(List.of(device0, device1), 1, 2); // rank 1 has no rows: its NaN gradients must not count
    }

    @Test
    void threeReplicasWithAndWithoutAnEmptyShard() {
        for (int rows : new int[] {7, 2}) {
            samePaths(List.of(device0, device1, device0Again), rows, 3);
        }
    }

    @Test
    void aFailureOnTheDevicePathNamesTheDevice() {
        List<Backend> backends = List.of(device0, device1);
        List<List<Param>> params = params(backends, new SplittableRandom(5), -1);
        GradientAllReduce allReduce = new GradientAllReduce(backends, params);
        allReduce.close(); // the replicas' gradient buffers are gone: rank 1's map fails
        try (DeviceThreads threads = new DeviceThreads(backends.stream().map(Backend::name).toList())) {
            DeviceFailedException e = assertThrows(DeviceFailedException.class,
                    () -> allReduce.run(threads, ShardPlan.split(4, 2), 3));
            assertTrue(e.getMessage().startsWith("device 1 (" + device1.name() + ") failed in the all-reduce of step 3:"
                    + " mapping its gradients"), e.getMessage());
        } finally {
            params.forEach(ps -> ps.forEach(Param::close));
        }
    }

    /**
     * The same random gradients through both paths: every replica ends with the same bits on both. An empty shard's
     * gradients are NaN (a replica that trained on nothing holds whatever its buffers held): the sum must not read
     * them, and must overwrite them.
     */
    private static void samePaths(List<Backend> backends, int rows, long seed) {
        List<Shard> shards = ShardPlan.split(rows, backends.size());
        List<List<Param>> onDevices = params(backends, new SplittableRandom(seed), emptyRank(shards));
        List<List<Param>> onHost = params(backends, new SplittableRandom(seed), emptyRank(shards));
        GradientAllReduce device = new GradientAllReduce(backends, onDevices);
        try (DeviceThreads threads = new DeviceThreads(backends.stream().map(Backend::name).toList())) {
            GradientAllReduce host = GradientAllReduce.onHost(backends, onHost);
            assertTrue(device.onDevices());
            assertFalse(host.onDevices());
            device.run(threads, shards, 1);
            host.run(threads, shards, 1);
            for (int p = 0; p < SIZES.length; p++) {
                float[] expected = backends.get(0).readFloats(onHost.get(0).get(p).grad());
                for (float v : expected) {
                    assertFalse(Float.isNaN(v), "an empty shard's gradient was read");
                }
                for (int r = 0; r < backends.size(); r++) {
                    String what = rows + " rows over " + backends.size() + ", parameter of " + SIZES[p] + ", rank " + r;
                    assertArrayEquals(expected, backends.get(r).readFloats(onHost.get(r).get(p).grad()),
                            "host " + what);
                    assertEquals(bits(expected), bits(backends.get(r).readFloats(onDevices.get(r).get(p).grad())),
                            "device path, " + what);
                }
            }
        } finally {
            onDevices.forEach(ps -> ps.forEach(Param::close));
            onHost.forEach(ps -> ps.forEach(Param::close));
            device.close();
        }
    }

    private static int emptyRank(List<Shard> shards) {
        return shards.stream().filter(Shard::isEmpty).mapToInt(Shard::rank).findFirst().orElse(-1);
    }

    /** Random gradients of {@link #SIZES} per replica, NaN on rank {@code nanRank}, whose shard is empty. */
    private static List<List<Param>> params(List<Backend> backends, SplittableRandom random, int nanRank) {
        List<List<Param>> params = new ArrayList<>();
        for (int r = 0; r < backends.size(); r++) {
            Backend b = backends.get(r);
            List<Param> mine = new ArrayList<>();
            for (int n : SIZES) {
                Param p = new Param(b, "p" + n, b.empty(DType.F32, n));
                float[] g = new float[n];
                for (int i = 0; i < n; i++) {
                    g[i] = r == nanRank ? Float.NaN : (float) random.nextDouble(-1, 1);
                }
                b.write(p.grad(), g);
                mine.add(p);
            }
            params.add(mine);
        }
        return params;
    }

    private static List<Integer> bits(float[] values) {
        List<Integer> bits = new ArrayList<>(values.length);
        for (float v : values) {
            bits.add(Float.floatToRawIntBits(v));
        }
        return bits;
    }
}
