package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * batchNormForward (y, the saved mean and invStd, the running statistics), batchNormEvalForward and
 * batchNormBackward on the device against the CPU reference. Shapes are (n, channels, inner): BatchNorm1d has
 * inner 1 (channels strided across rows), BatchNorm2d inner h·w; they include n = 1 with h·w &gt; 1, n = 2, prime
 * channel and spatial sizes, and channels of more values than a work-group (256). Outputs are poisoned with NaN;
 * the accumulated gradients start from the same random values on both backends. Inputs have a per-channel offset,
 * so the mean is not ~0.
 */
@Tag("opencl")
class BatchNormParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "n={0} channels={1} inner={2}")
    @CsvSource({"2,1,1", "2,3,1", "3,17,1", "257,5,1", "1031,3,1", "64,33,1", "1,3,25", "1,2,49", "2,5,7",
            "3,7,13", "2,16,121", "17,3,33", "4,2,1031", "8,64,784"})
    void trainingForwardBackwardAndEvalMatch(int n, int channels, int inner) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = 65537L * n + 257L * channels + inner;
        SplittableRandom random = new SplittableRandom(seed);
        int count = n * channels * inner;
        float[] x = SeededData.uniform(random, count, -1, 1);
        float[] offset = SeededData.uniform(random, channels, -3, 3);
        for (int e = 0; e < count; e++) {
            x[e] += offset[(e / inner) % channels];
        }
        float[] dy = SeededData.uniform(random, count, -1, 1);
        float[] weight = SeededData.uniform(random, channels, 0.5, 1.5);
        float[] bias = SeededData.uniform(random, channels, -1, 1);
        float[] runningMean = SeededData.uniform(random, channels, -1, 1);
        float[] runningVar = SeededData.uniform(random, channels, 0.5, 2);
        float[] dWeight = SeededData.uniform(random, channels, -1, 1);
        float[] dBias = SeededData.uniform(random, channels, -1, 1);
        float[][] expected = run(cpu, x, dy, weight, bias, runningMean, runningVar, dWeight, dBias, n, channels,
                inner);
        float[][] actual = run(cl, x, dy, weight, bias, runningMean, runningVar, dWeight, dBias, n, channels, inner);
        String what = "n=" + n + " channels=" + channels + " inner=" + inner + " seed=" + seed;
        String[] names = {"y", "mean", "invStd", "runningMean", "runningVar", "dx", "dWeight", "dBias"};
        for (int i = 0; i < names.length; i++) {
            if (i != 5) {
                TestArrays.assertClose("batchNorm " + names[i] + " " + what, actual[i], expected[i],
                        Tolerances.BATCH_NORM);
            }
        }
        // dx is a difference of terms of size |γ·invStd·dy| that cancel almost completely when m is tiny (m = 2:
        // xhat = ±1 up to eps, so dx ~ eps/var); its rounding is relative to those terms, not to dx itself.
        double terms = 0;
        for (int e = 0; e < count; e++) {
            int ch = (e / inner) % channels;
            double t = (double) weight[ch] * expected[2][ch] * dy[e];
            terms += t * t;
        }
        double diff = 0;
        double reference = 0;
        for (int e = 0; e < count; e++) {
            diff += (actual[5][e] - (double) expected[5][e]) * (actual[5][e] - (double) expected[5][e]);
            reference += (double) expected[5][e] * expected[5][e];
        }
        double rel = Math.sqrt(diff) / Math.max(Math.sqrt(reference), Math.sqrt(terms));
        assertTrue(rel <= Tolerances.BATCH_NORM, "batchNorm dx " + what + ": error " + rel + " of max(‖dx‖, "
                + "‖γ·invStd·dy‖) > " + Tolerances.BATCH_NORM);
        for (int e = 0; e < count; e++) {
            assertTrue(Float.isFinite(actual[5][e]), "batchNorm dx " + what + ": element " + e + " is " + actual[5][e]);
        }
        TestArrays.assertClose("batchNormEvalForward " + what, actual[8], expected[8], Tolerances.BATCH_NORM_EVAL);
    }

    @Test
    void theSameInputGivesTheSameBitsTwice() {
        OpenClBackend cl = OpenClTestSupport.backend();
        SplittableRandom random = new SplittableRandom(4242);
        int n = 6;
        int channels = 5;
        int inner = 97;
        float[] x = SeededData.uniform(random, n * channels * inner, -1, 1);
        float[] dy = SeededData.uniform(random, x.length, -1, 1);
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        float[][] first = run(cl, x, dy, ones, new float[channels], new float[channels], ones, new float[channels],
                new float[channels], n, channels, inner);
        float[][] second = run(cl, x, dy, ones, new float[channels], new float[channels], ones, new float[channels],
                new float[channels], n, channels, inner);
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], second[i], "output " + i);
        }
    }

    /** y, mean, invStd, runningMean, runningVar, dx, dWeight, dBias of a training step, then the eval output. */
    private static float[][] run(Backend be, float[] x, float[] dy, float[] weight, float[] bias, float[] runningMean,
            float[] runningVar, float[] dWeight, float[] dBias, int n, int channels, int inner) {
        try (Tensor xt = be.fromArray(x, x.length); Tensor dyt = be.fromArray(dy, dy.length);
                Tensor w = be.fromArray(weight, channels); Tensor b = be.fromArray(bias, channels);
                Tensor rm = be.fromArray(runningMean, channels); Tensor rv = be.fromArray(runningVar, channels);
                Tensor dw = be.fromArray(dWeight, channels); Tensor db = be.fromArray(dBias, channels);
                Tensor y = SeededData.poisoned(be, x.length); Tensor yEval = SeededData.poisoned(be, x.length);
                Tensor dx = SeededData.poisoned(be, x.length); Tensor mean = SeededData.poisoned(be, channels);
                Tensor invStd = SeededData.poisoned(be, channels)) {
            // The eval pass reads the running statistics before the training pass updates them.
            be.batchNormEvalForward(yEval, xt, w, b, rm, rv, n, channels, inner, 1e-5f);
            be.batchNormForward(y, mean, invStd, rm, rv, xt, w, b, n, channels, inner, 0.1f, 1e-5f);
            be.batchNormBackward(dx, dw, db, dyt, xt, mean, invStd, w, n, channels, inner);
            return new float[][] {be.readFloats(y), be.readFloats(mean), be.readFloats(invStd), be.readFloats(rm),
                    be.readFloats(rv), be.readFloats(dx), be.readFloats(dw), be.readFloats(db), be.readFloats(yEval)};
        }
    }
}
