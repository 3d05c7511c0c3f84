package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * clip_grad_norm against the reference: the scaling of several tensors of awkward sizes by one sum of squares that
 * both backends are given, with limits that clip hard, clip barely, and do not clip (a factor of exactly 1).
 */
@Tag("opencl")
class ClipGradNormParityTest {
    private static final int[] SIZES = {1, 3, 17, 33, 129, 257, 1_000_003};
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void scalesEveryTensorByTheClampedCoefficient() {
        Backend cl = OpenClTestSupport.backend();
        float[][] xs = new float[SIZES.length][];
        double sum = 0;
        for (int t = 0; t < SIZES.length; t++) {
            xs[t] = SeededData.uniform(new SplittableRandom(31L * SIZES[t]), SIZES[t], -1, 1);
            for (float v : xs[t]) {
                sum += (double) v * v;
            }
        }
        float sumSquares = (float) sum;
        float norm = (float) Math.sqrt(sumSquares);
        for (float maxNorm : new float[] {1e-3f * norm, 0.5f * norm, 0.999999f * norm, 2f * norm}) {
            for (int t = 0; t < SIZES.length; t++) {
                float[] device = run(cl, xs[t], sumSquares, maxNorm);
                float[] reference = run(cpu, xs[t], sumSquares, maxNorm);
                String what = "clipGradNorm count=" + SIZES[t] + " maxNorm=" + maxNorm + " norm=" + norm + " seed="
                        + 31L * SIZES[t];
                if (maxNorm > norm) {
                    TestArrays.assertIdentical(what + " (no clipping)", device, xs[t]);
                    TestArrays.assertIdentical(what + " (no clipping)", reference, xs[t]);
                } else {
                    assertWithinPerElement(what, device, reference, Tolerances.CLIP_GRAD_NORM);
                }
            }
        }
    }

    @Test
    void aNaNNormMakesEveryGradientNaNAsInPyTorch() {
        // torch.clamp keeps a NaN coefficient, so a NaN gradient anywhere spreads to all of them.
        Backend cl = OpenClTestSupport.backend();
        float[] x = SeededData.uniform(new SplittableRandom(7), 33, -1, 1);
        float[] device = run(cl, x, Float.NaN, 1f);
        TestArrays.assertIdentical("clipGradNorm with a NaN norm", device, run(cpu, x, Float.NaN, 1f));
        assertTrue(Float.isNaN(device[0]), "NaN norm gave " + device[0]);
    }

    private static void assertWithinPerElement(String what, float[] actual, float[] expected, double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]);
            if (!(error <= tolerance * Math.abs(expected[i]))) {
                fail(what + ": element " + i + " is " + actual[i] + ", reference " + expected[i] + ", relative error "
                        + error / Math.abs(expected[i]) + " > " + tolerance);
            }
        }
    }

    private static float[] run(Backend be, float[] x, float sumSquares, float maxNorm) {
        try (Tensor t = be.fromArray(x, x.length); Tensor s = be.fromArray(new float[] {sumSquares}, 1)) {
            be.clipGradNorm(t, s, x.length, maxNorm);
            return be.readFloats(t);
        }
    }
}
