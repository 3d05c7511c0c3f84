package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Dataset;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.train.TrainOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The all-reduce overlapped with the backward pass sums each gradient element exactly as the all-reduce after it
 * (the same float operations over the replicas in rank order), so whole training runs give the same bits: losses,
 * every replica's parameters, for buckets of one layer, of several layers and of the whole model.
 */
class OverlappedAllReduceTest {
    /** Bucket sizes: a bucket per layer with parameters, a few layers per bucket, one bucket for everything. */
    private static final int[] BUCKET_ELEMENTS = {1, 300, Integer.MAX_VALUE};

    @Test
    void awkwardMlpGivesTheSameBitsAsSummingAfterTheBackwardPass() {
        sameBits("linear(23,17),relu,linear(17,13),relu,linear(13,7),relu,linear(7,5)", 37, 23);
    }

    @Test
    void dropoutModelGivesTheSameBits() {
        sameBits("linear(20,16),relu,dropout(0.4),linear(16,9),dropout(0.2),linear(9,5)", 37, 20);
    }

    @Test
    void batchNormModelGivesTheSameBits() {
        sameBits("batchnorm1d(6),linear(6,11),relu,batchnorm1d(11),linear(11,5)", 9, 6);
    }

    @Test
    void batchesSmallerThanTheReplicaCountGiveTheSameBits() {
        sameBits("linear(23,17),relu,linear(17,5)", 2, 23); // 3 replicas: one shard is empty every step
    }

    @Test
    void bucketsFollowTheBackwardPassAndCoverEveryParameterOnce() {
        try (CpuBackend cpu = new CpuBackend();
                Sequential m = Models.build(cpu, ModelSpec.parse("linear(4,3),relu,linear(3,2),relu,linear(2,2)"), 1)) {
            // Parameters: 0 weight (12), 1 bias (3), 2 weight (6), 3 bias (2), 4 weight (4), 5 bias (2).
            GradientBuckets perLayer = GradientBuckets.of(m.layers(), 1);
            assertEquals(List.of(new GradientBuckets.Bucket(4, 6), new GradientBuckets.Bucket(2, 4),
                    new GradientBuckets.Bucket(0, 2)), perLayer.buckets());
            assertEquals(0, perLayer.closedBy(4));
            assertEquals(-1, perLayer.closedBy(3), "a ReLU writes no parameter gradient");
            assertEquals(2, perLayer.closedBy(0));
            // 6 + 8 reaches 10 at the middle linear layer; the first layer's 15 elements are the last bucket.
            GradientBuckets two = GradientBuckets.of(m.layers(), 10);
            assertEquals(List.of(new GradientBuckets.Bucket(2, 6), new GradientBuckets.Bucket(0, 2)), two.buckets());
            assertEquals(-1, two.closedBy(4));
            assertEquals(0, two.closedBy(2));
            assertEquals(List.of(new GradientBuckets.Bucket(0, 6)),
                    GradientBuckets.of(m.layers(), Integer.MAX_VALUE).buckets());
        }
    }

    private static void sameBits(String model, int batch, int features) {
        TrainOptions o = ParallelRuns.options(model, batch, 5);
        Dataset data = SyntheticData.uniform(101, features, 5, 9);
        for (int n : new int[] {2, 3}) {
            ParallelRuns.Result after = ParallelRuns.train(
                    DataParallelStep.factory(cpus(n), AllReduceSchedule.AFTER_BACKWARD), cpus(n), o, data, 5);
            for (int bucket : BUCKET_ELEMENTS) {
                List<Backend> backends = cpus(n);
                ParallelRuns.Result overlapped = ParallelRuns.train(
                        DataParallelStep.factory(backends, AllReduceSchedule.OVERLAPPED, bucket), backends, o, data, 5);
                String what = model + ", " + n + " replicas, buckets of " + bucket;
                assertArrayEquals(after.losses(), overlapped.losses(), "losses, " + what);
                for (int r = 0; r < n; r++) {
                    for (String name : after.params().keySet()) {
                        assertArrayEquals(after.replicas().get(r).get(name), overlapped.replicas().get(r).get(name),
                                name + " of rank " + r + ", " + what);
                    }
                }
            }
        }
    }

    private static List<Backend> cpus(int n) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            backends.add(new CpuBackend());
        }
        return backends;
    }
}
