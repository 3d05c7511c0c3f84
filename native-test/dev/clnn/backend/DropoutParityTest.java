package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * dropoutForward and dropoutBackward on the device give the CPU reference's bits exactly (the mask is integer
 * arithmetic), on awkward row counts and lengths, from a shard's first row, at several probabilities.
 */
@Tag("opencl")
class DropoutParityTest {
    private static final int[][] SHAPES = {{1, 1}, {1, 3}, {3, 17}, {7, 33}, {2, 129}, {17, 257}, {1, 1_000_003},
            {1003, 997}};
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void forwardAndBackwardAreIdentical() {
        OpenClBackend cl = OpenClTestSupport.backend();
        double[] ps = {0.0, 0.1, 0.5, 0.9};
        for (int[] shape : SHAPES) {
            for (double p : ps) {
                int rows = shape[0];
                int length = shape[1];
                long seed = 0x9E3779B97F4A7C15L ^ (31L * rows + length);
                DropoutDraw draw = new DropoutDraw(seed, 3, 5_000_000_000L + rows, 11 * length, p);
                SplittableRandom random = new SplittableRandom(seed);
                float[] x = SeededData.uniform(random, rows * length, -2, 2);
                float[] dy = SeededData.uniform(random, rows * length, -2, 2);
                float[][] expected = run(cpu, x, dy, rows, length, draw);
                float[][] actual = run(cl, x, dy, rows, length, draw);
                String where = rows + "x" + length + " " + draw;
                TestArrays.assertIdentical("dropoutForward " + where, actual[0], expected[0]);
                TestArrays.assertIdentical("dropoutBackward " + where, actual[1], expected[1]);
            }
        }
    }

    /**
     * The device's Philox against Random123's known answer for counter 0 and key 0 (the one vector a dropout key can
     * reach: the others' counters need element indices past 2³¹): each word found by bisecting the threshold on one
     * element, whose keep decision says whether the word is at least the threshold.
     */
    @Test
    void deviceGeneratorGivesTheKnownAnswerForCounterZero() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int[] expected = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
        try (Tensor x = cl.fromArray(new float[] {1, 1, 1, 1}, 1, 4); Tensor y = SeededData.poisoned(cl, 1, 4)) {
            long[] low = new long[4];
            long[] high = {1L << 32, 1L << 32, 1L << 32, 1L << 32}; // word in [low, high)
            for (int bit = 0; bit < 32; bit++) {
                long[] mid = new long[4];
                for (int w = 0; w < 4; w++) {
                    mid[w] = (low[w] + high[w]) >>> 1;
                }
                // one threshold per launch: bisect the four words one after the other
                for (int w = 0; w < 4; w++) {
                    cl.dropoutForward(y, x, 1, 4, new DropoutDraw(0, 0, 0, 0, mid[w] / 4294967296.0));
                    boolean kept = cl.readFloats(y)[w] != 0;
                    if (kept) {
                        low[w] = mid[w];
                    } else {
                        high[w] = mid[w];
                    }
                }
            }
            for (int w = 0; w < 4; w++) {
                assertEquals(Integer.toUnsignedLong(expected[w]), low[w], "word " + w);
            }
        }
    }

    private static float[][] run(Backend be, float[] x, float[] dy, int rows, int length, DropoutDraw draw) {
        try (Tensor xt = be.fromArray(x, rows, length); Tensor dyt = be.fromArray(dy, rows, length);
                Tensor y = SeededData.poisoned(be, rows, length); Tensor dx = SeededData.poisoned(be, rows, length)) {
            be.dropoutForward(y, xt, rows, length, draw);
            be.dropoutBackward(dx, dyt, rows, length, draw);
            return new float[][] {be.readFloats(y), be.readFloats(dx)};
        }
    }
}
