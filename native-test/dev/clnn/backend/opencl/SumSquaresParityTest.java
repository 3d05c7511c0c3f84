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
 * sum_squares against the reference's double sum, over counts around every boundary of the two passes of
 * {@link ReduceSumRoutine} (one work-group, several, the capped group count) and awkward sizes, each added to a
 * starting value both backends share, since the op accumulates.
 */
@Tag("opencl")
class SumSquaresParityTest {
    private final CpuBackend cpu = new CpuBackend();

    private static int[] counts(OpenClBackend cl) {
        int local = cl.tuning().reduceLocal();
        int onePass = ReduceSumRoutine.MIN_TERMS_PER_ITEM * local;
        int capped = ReduceSumRoutine.MAX_GROUPS * onePass;
        TreeSet<Integer> counts = new TreeSet<>();
        for (int c : Sizes.ELEMENTS) {
            counts.add(c);
        }
        for (int c : new int[] {2, local - 1, local + 1, onePass, onePass + 1, capped + 1, 3 * capped + 7}) {
            counts.add(Math.max(1, c));
        }
        return counts.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void smallIntegerTermsSumExactlyOnBothBackends() {
        // Terms in [-3, 3] square to at most 9, so with a few million terms every partial sum stays below 2^24 and
        // every float addition is exact: a term dropped, counted twice or left unsquared changes the result.
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : counts(cl)) {
            long seed = 19L * count;
            SplittableRandom random = new SplittableRandom(seed);
            float[] x = new float[count];
            for (int i = 0; i < count; i++) {
                x[i] = random.nextInt(7) - 3;
            }
            for (float start : new float[] {0f, 5f}) {
                TestArrays.assertIdentical("sumSquares count=" + count + " start=" + start + " seed=" + seed,
                        run(cl, x, start), run(cpu, x, start));
            }
        }
    }

    @Test
    void uniformTermsAgreeWithinTheSummationBound() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : counts(cl)) {
            long seed = 23L * count;
            float[] x = SeededData.uniform(new SplittableRandom(seed), count, -1, 1);
            float start = 0.25f;
            float actual = run(cl, x, start)[0];
            float expected = run(cpu, x, start)[0];
            double magnitude = start + IntStream.range(0, count).mapToDouble(i -> (double) x[i] * x[i]).sum();
            double error = Math.abs((double) actual - expected) / magnitude;
            assertTrue(error <= Tolerances.SUM_SQUARES_BOUND, "sumSquares count=" + count + " seed=" + seed
                    + ": device " + actual + ", reference " + expected + ", error " + error + " > "
                    + Tolerances.SUM_SQUARES_BOUND);
        }
    }

    @Test
    void severalTensorsAccumulateIntoOneSum() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int[] sizes = {1, 17, 3001, 257};
        float[] device = {0f};
        float[] reference = {0f};
        try (Tensor outCl = cl.fromArray(device, 1); Tensor outCpu = cpu.fromArray(reference, 1)) {
            for (int count : sizes) {
                float[] x = SeededData.uniform(new SplittableRandom(count), count, -1, 1);
                try (Tensor a = cl.fromArray(x, count); Tensor b = cpu.fromArray(x, count)) {
                    cl.sumSquares(outCl, a, count);
                    cpu.sumSquares(outCpu, b, count);
                }
            }
            double error = Math.abs((double) cl.readFloats(outCl)[0] - cpu.readFloats(outCpu)[0])
                    / cpu.readFloats(outCpu)[0];
            // Each of the four additions may err by the bound of one sum, relative to the total it adds to.
            assertTrue(error <= sizes.length * Tolerances.SUM_SQUARES_BOUND, "sumSquares over " + sizes.length
                    + " tensors: error " + error);
        }
    }

    @Test
    void aNaNTermMakesTheSumNaNOnBothBackends() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : new int[] {1, 1025, 70001}) {
            float[] x = SeededData.uniform(new SplittableRandom(count), count, -1, 1);
            x[count / 2] = Float.NaN;
            TestArrays.assertIdentical("sumSquares with a NaN term, count=" + count, run(cl, x, 0f), run(cpu, x, 0f));
        }
    }

    private static float[] run(Backend be, float[] x, float start) {
        try (Tensor in = be.fromArray(x, x.length); Tensor out = be.fromArray(new float[] {start}, 1)) {
            be.sumSquares(out, in, x.length);
            return be.readFloats(out);
        }
    }
}
