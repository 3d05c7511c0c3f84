package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Sizes;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.TestArrays;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * reduce_sum against the reference's double sum, over counts around every boundary of the two passes: one
 * work-group or several, groups capped at {@link ReduceSumRoutine#MAX_GROUPS} with growing chunks, and awkward
 * sizes (1, odd, prime, far beyond groups × work-group size). The result starts poisoned with NaN.
 */
@Tag("opencl")
class ReduceSumParityTest {
    private final CpuBackend cpu = new CpuBackend();

    private static int[] counts(OpenClBackend cl) {
        int local = cl.tuning().reduceLocal();
        int onePass = ReduceSumRoutine.MIN_TERMS_PER_ITEM * local;
        int capped = ReduceSumRoutine.MAX_GROUPS * onePass;
        TreeSet<Integer> counts = new TreeSet<>();
        for (int c : Sizes.ELEMENTS) {
            counts.add(c);
        }
        for (int c : new int[] {2, local - 1, local, local + 1, onePass - 1, onePass, onePass + 1, capped - 1, capped,
                capped + 1, 3 * capped + 7}) {
            counts.add(Math.max(1, c));
        }
        return counts.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void smallIntegerTermsSumExactlyOnBothBackends() {
        // Integers in [-3, 3] over at most a few million terms keep every partial sum below 2^24, so every float
        // addition on the device is exact: any term dropped or counted twice changes the result.
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : counts(cl)) {
            long seed = 13L * count;
            SplittableRandom random = new SplittableRandom(seed);
            float[] x = new float[count];
            for (int i = 0; i < count; i++) {
                x[i] = random.nextInt(7) - 3;
            }
            for (float scale : new float[] {1f, 0.5f}) {
                TestArrays.assertIdentical("reduceSum count=" + count + " scale=" + scale + " seed=" + seed,
                        run(cl, x, scale), run(cpu, x, scale));
            }
        }
    }

    @Test
    void uniformTermsAgreeWithinTheSummationBound() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : counts(cl)) {
            for (double lo : new double[] {-1, 0}) {
                long seed = 17L * count + (long) lo;
                float[] x = SeededData.uniform(new SplittableRandom(seed), count, lo, 1);
                float scale = 1f / count;
                float actual = run(cl, x, scale)[0];
                float expected = run(cpu, x, scale)[0];
                double magnitude = Math.abs((double) scale) * IntStream.range(0, count)
                        .mapToDouble(i -> Math.abs((double) x[i])).sum();
                double error = Math.abs((double) actual - expected) / magnitude;
                assertTrue(error <= Tolerances.REDUCE_SUM_BOUND, "reduceSum count=" + count + " terms in [" + lo
                        + ", 1) seed=" + seed + ": device " + actual + ", reference " + expected + ", error "
                        + error + " of scale·Σ|x| > " + Tolerances.REDUCE_SUM_BOUND);
            }
        }
    }

    @Test
    void aNaNTermMakesTheSumNaNOnBothBackends() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : new int[] {1, 1025, 70001}) {
            float[] x = SeededData.uniform(new SplittableRandom(count), count, -1, 1);
            x[count / 2] = Float.NaN;
            TestArrays.assertIdentical("reduceSum with a NaN term, count=" + count, run(cl, x, 1f), run(cpu, x, 1f));
        }
    }

    @Test
    void anInfiniteTermMakesTheSumNonFiniteOnBothBackends() {
        // The device's compensation can turn an Inf into NaN (Inf − Inf), so only non-finiteness is promised.
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : new int[] {1, 1025, 70001}) {
            float[] x = SeededData.uniform(new SplittableRandom(count), count, -1, 1);
            x[count / 3] = Float.POSITIVE_INFINITY;
            float device = run(cl, x, 1f)[0];
            float reference = run(cpu, x, 1f)[0];
            assertTrue(!Float.isFinite(device) && !Float.isFinite(reference), "reduceSum with an Inf term, count="
                    + count + ": device " + device + ", reference " + reference);
        }
    }

    private static float[] run(Backend be, float[] x, float scale) {
        try (Tensor in = be.fromArray(x, x.length); Tensor out = SeededData.poisoned(be)) {
            be.reduceSum(out, in, x.length, scale);
            return be.readFloats(out);
        }
    }
}
