package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import dev.clnn.nn.SoftmaxKlDivergence;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * logSoftmaxForward and logSoftmaxBackward on the device against the CPU reference, on rows narrower and wider than
 * a work-group (256 work-items per row), with logits in [-1, 1], in [-30, 30], and rows mixing ±1e4 with small values,
 * where exp() of an unshifted logit overflows; and the loss built on them, {@link SoftmaxKlDivergence}.
 */
@Tag("opencl")
class LogSoftmaxParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "n={0} classes={1}")
    @CsvSource({"1,1", "1,10", "3,7", "17,10", "5,257", "129,33", "2,1031", "1031,1000"})
    void forwardAndBackwardMatchAtSmallLargeAndHugeLogits(int n, int classes) {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (double range : new double[] {1, 30, 1e4}) {
            long seed = 7919L * n + classes + (long) range;
            SplittableRandom random = new SplittableRandom(seed);
            float[] x = logits(random, n, classes, range);
            float[] dy = SeededData.uniform(random, n * classes, -1, 1);
            String what = "n=" + n + " classes=" + classes + " range=" + range + " seed=" + seed;
            float[][] expected = run(cpu, x, dy, n, classes);
            float[][] actual = run(cl, x, dy, n, classes);
            TestArrays.assertClose("logSoftmaxForward " + what, actual[0], expected[0], Tolerances.LOG_SOFTMAX);
            TestArrays.assertClose("logSoftmaxBackward " + what, actual[1], expected[1], Tolerances.LOG_SOFTMAX);
        }
    }

    @ParameterizedTest(name = "n={0} classes={1}")
    @CsvSource({"1,1", "3,7", "64,10", "129,33", "2,1031"})
    void softmaxKlDivergenceLossAndGradientMatch(int n, int classes) {
        OpenClBackend cl = OpenClTestSupport.backend();
        long seed = 104729L * n + classes;
        SplittableRandom random = new SplittableRandom(seed);
        float[] z = logits(random, n, classes, 30);
        float[] p = SeededData.uniform(random, n * classes, 0, 1);
        for (int r = 0; r < n; r++) {
            p[r * classes + random.nextInt(classes)] = 0f; // a zero target per row: xlogy(0, 0) = 0
        }
        String what = "n=" + n + " classes=" + classes + " seed=" + seed;
        float[][] expected = loss(PoisonedBackend.wrap(cpu), z, p, n, classes);
        float[][] actual = loss(PoisonedBackend.wrap(cl), z, p, n, classes);
        TestArrays.assertClose("softmax kl loss " + what, actual[0], expected[0], Tolerances.KL);
        TestArrays.assertClose("softmax kl dLogits " + what, actual[1], expected[1], Tolerances.LOG_SOFTMAX);
    }

    /**
     * Uniform logits in [-range, range]; with range 1e4 every third row puts ±1e4 at two columns among values in
     * [-1, 1], so the rows mix terms exp() can and cannot represent.
     */
    private static float[] logits(SplittableRandom random, int n, int classes, double range) {
        if (range < 1e4) {
            return SeededData.uniform(random, n * classes, -range, range);
        }
        float[] x = SeededData.uniform(random, n * classes, -1, 1);
        for (int r = 0; r < n; r += 3) {
            x[r * classes + random.nextInt(classes)] = 1e4f;
            x[r * classes + random.nextInt(classes)] = -1e4f;
        }
        for (int r = 1; r < n; r += 3) {
            for (int j = 0; j < classes; j++) {
                x[r * classes + j] = (float) (random.nextDouble(-1, 1) * range);
            }
        }
        return x;
    }

    private static float[][] run(Backend be, float[] x, float[] dy, int n, int classes) {
        try (Tensor xt = be.fromArray(x, n, classes); Tensor dyt = be.fromArray(dy, n, classes);
                Tensor y = SeededData.poisoned(be, n, classes); Tensor dx = SeededData.poisoned(be, n, classes)) {
            be.logSoftmaxForward(y, xt, n, classes);
            be.logSoftmaxBackward(dx, dyt, y, n, classes);
            return new float[][] {be.readFloats(y), be.readFloats(dx)};
        }
    }

    private static float[][] loss(Backend be, float[] z, float[] p, int n, int classes) {
        try (Tensor zt = be.fromArray(z, n, classes); Tensor pt = be.fromArray(p, n, classes);
                SoftmaxKlDivergence kl = new SoftmaxKlDivergence(be)) {
            float[] value = be.readFloats(kl.forward(zt, pt));
            return new float[][] {value, be.readFloats(kl.backward())};
        }
    }
}
