package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("opencl")
class SoftmaxXentParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest(name = "n={0} classes={1}")
    @CsvSource({"1,1", "1,10", "3,7", "17,10", "129,33", "64,10", "1031,1000"})
    void forwardMatchesAtSmallAndHugeLogitsAndBackwardIsIdentical(int n, int classes) {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (double range : new double[] {1, 30}) {
            long seed = n * 1000L + classes + (long) range;
            SplittableRandom random = new SplittableRandom(seed);
            float[] logits = SeededData.uniform(random, n * classes, -range, range);
            int[] labels = SeededData.labels(random, n, classes);
            float[][] expected = forward(cpu, logits, labels, n, classes);
            float[][] actual = forward(cl, logits, labels, n, classes);
            String what = "n=" + n + " classes=" + classes + " range=" + range + " seed=" + seed;
            TestArrays.assertClose("softmaxXentForward loss " + what, actual[0], expected[0], Tolerances.SOFTMAX);
            TestArrays.assertClose("softmaxXentForward probs " + what, actual[1], expected[1], Tolerances.SOFTMAX);
            // Backward from the same probabilities does the same float operations: identical.
            TestArrays.assertIdentical("softmaxXentBackward " + what, backward(cl, expected[1], labels, n, classes),
                    backward(cpu, expected[1], labels, n, classes));
            // The forward pass with the gradient: the same loss and probs, and the gradient backward gives from
            // those probs, bit for bit on the device and within the probs' tolerance of the reference.
            float[][] withGrad = forwardWithGradient(cl, logits, labels, n, classes);
            TestArrays.assertIdentical("softmaxXentForward loss with gradient " + what, withGrad[0], actual[0]);
            TestArrays.assertIdentical("softmaxXentForward probs with gradient " + what, withGrad[1], actual[1]);
            TestArrays.assertIdentical("softmaxXentForward dLogits " + what, withGrad[2],
                    backward(cl, actual[1], labels, n, classes));
            TestArrays.assertClose("softmaxXentForward dLogits vs reference " + what, withGrad[2],
                    forwardWithGradient(cpu, logits, labels, n, classes)[2], Tolerances.SOFTMAX);
        }
    }

    private static float[][] forwardWithGradient(Backend be, float[] logits, int[] labels, int n, int classes) {
        try (Tensor z = be.fromArray(logits, n, classes); Tensor y = be.fromArray(labels, n);
                Tensor loss = SeededData.poisoned(be); Tensor probs = SeededData.poisoned(be, n, classes);
                Tensor d = SeededData.poisoned(be, n, classes)) {
            be.softmaxXentForward(loss, probs, d, z, y, n, classes);
            return new float[][] {be.readFloats(loss), be.readFloats(probs), be.readFloats(d)};
        }
    }

    private static float[][] forward(Backend be, float[] logits, int[] labels, int n, int classes) {
        try (Tensor z = be.fromArray(logits, n, classes); Tensor y = be.fromArray(labels, n);
                Tensor loss = SeededData.poisoned(be); Tensor probs = SeededData.poisoned(be, n, classes)) {
            be.softmaxXentForward(loss, probs, null, z, y, n, classes);
            return new float[][] {be.readFloats(loss), be.readFloats(probs)};
        }
    }

    private static float[] backward(Backend be, float[] probs, int[] labels, int n, int classes) {
        try (Tensor p = be.fromArray(probs, n, classes); Tensor y = be.fromArray(labels, n);
                Tensor d = SeededData.poisoned(be, n, classes)) {
            be.softmaxXentBackward(d, p, y, n, classes);
            return be.readFloats(d);
        }
    }
}
