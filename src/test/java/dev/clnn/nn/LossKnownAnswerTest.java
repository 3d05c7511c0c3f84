package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** The losses against values worked out here. */
class LossKnownAnswerTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void softmaxCrossEntropyIsMeanNegativeLogProbabilityOfTheLabel() {
        try (SoftmaxCrossEntropy xent = new SoftmaxCrossEntropy(cpu)) {
            // Row 0: uniform logits over 3 classes, loss log 3. Row 1: logits (0, ln 2, ln 5): probs (1, 2, 5)/8.
            Tensor logits = cpu.fromArray(new float[] {0, 0, 0, 0, (float) Math.log(2), (float) Math.log(5)}, 2, 3);
            Tensor labels = cpu.fromArray(new int[] {1, 2}, 2);
            Tensor loss = xent.forward(logits, labels);
            assertArrayEquals(new int[] {1}, loss.shape());
            assertEquals((Math.log(3) + Math.log(8.0 / 5)) / 2, cpu.readFloats(loss)[0], 1e-6);
            float[] d = cpu.readFloats(xent.backward());
            double[] expected = {1 / 6.0, (1 / 3.0 - 1) / 2, 1 / 6.0, 1 / 16.0, 2 / 16.0, (5 / 8.0 - 1) / 2};
            LayerKnownAnswerTest.assertClose(expected, d, 1e-6);
        }
    }

    @Test
    void mseIsMeanSquaredDifferenceOverEveryElement() {
        try (Mse mse = new Mse(cpu)) {
            Tensor pred = cpu.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
            Tensor target = cpu.fromArray(new float[] {1, 0, 3, 1}, 2, 2);
            assertEquals((4 + 9) / 4f, cpu.readFloats(mse.forward(pred, target))[0], 1e-6);
            assertArrayEquals(new float[] {0, 1, 0, 1.5f}, cpu.readFloats(mse.backward()), 1e-6f);
        }
    }

    @Test
    void klDivergenceTakesLogQAndPAndDividesByTheBatch() {
        try (KlDivergence kl = new KlDivergence(cpu)) {
            float[] q = {0.25f, 0.75f, 0.5f, 0.5f};
            float[] p = {0.5f, 0.5f, 1f, 0f};
            float[] logQ = new float[4];
            for (int i = 0; i < 4; i++) {
                logQ[i] = (float) Math.log(q[i]);
            }
            Tensor loss = kl.forward(cpu.fromArray(logQ, 2, 2), cpu.fromArray(p, 2, 2));
            double row0 = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
            double row1 = Math.log(1 / 0.5); // the p = 0 term contributes 0
            assertEquals((row0 + row1) / 2, cpu.readFloats(loss)[0], 1e-6);
            assertArrayEquals(new float[] {-0.25f, -0.25f, -0.5f, 0f}, cpu.readFloats(kl.backward()), 1e-7f);
        }
    }

    @Test
    void softmaxKlDivergenceTakesLogitsAndPAndItsGradientIsTargetMassTimesSoftmaxMinusTarget() {
        try (SoftmaxKlDivergence kl = new SoftmaxKlDivergence(cpu)) {
            // Row 0: logits (0, ln 3) give q = (1/4, 3/4); row 1: (5, 5) give q = (1/2, 1/2). p as in the test above,
            // so the loss is the same; a logit shift per row changes nothing.
            float[] logits = {0f, (float) Math.log(3), 5f, 5f};
            float[] p = {0.5f, 0.5f, 1f, 0f};
            Tensor loss = kl.forward(cpu.fromArray(logits, 2, 2), cpu.fromArray(p, 2, 2));
            double row0 = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
            double row1 = Math.log(1 / 0.5);
            assertEquals((row0 + row1) / 2, cpu.readFloats(loss)[0], 1e-6);
            // (rowsum(p) · q − p) / N with rowsum(p) = 1: ((0.25 − 0.5)/2, (0.75 − 0.5)/2, (0.5 − 1)/2, 0.5/2).
            assertArrayEquals(new float[] {-0.125f, 0.125f, -0.25f, 0.25f}, cpu.readFloats(kl.backward()), 1e-7f);
            // A target row of mass 2 scales the softmax term: (2 · (1/4, 3/4) − (1, 1)) / 1.
            kl.forward(cpu.fromArray(new float[] {0f, (float) Math.log(3)}, 1, 2),
                    cpu.fromArray(new float[] {1f, 1f}, 1, 2));
            assertArrayEquals(new float[] {-0.5f, 0.5f}, cpu.readFloats(kl.backward()), 1e-6f);
        }
    }

    @Test
    void lossesRejectMismatchedShapesNamingBoth() {
        try (Mse mse = new Mse(cpu); KlDivergence kl = new KlDivergence(cpu);
                SoftmaxKlDivergence softKl = new SoftmaxKlDivergence(cpu);
                SoftmaxCrossEntropy xent = new SoftmaxCrossEntropy(cpu)) {
            Tensor a = cpu.fromArray(new float[6], 2, 3);
            Tensor b = cpu.fromArray(new float[6], 3, 2);
            for (Loss loss : new Loss[] {mse, kl, softKl}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.forward(a, b));
                assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> xent.forward(a, cpu.fromArray(new int[3], 3)));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3]"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> new Mse(cpu).backward());
            assertThrows(IllegalStateException.class, () -> new SoftmaxKlDivergence(cpu).backward());
            // Logits must be a matrix [N, classes], and p of the same dtype.
            Tensor flat = cpu.fromArray(new float[6], 6);
            e = assertThrows(IllegalArgumentException.class, () -> softKl.forward(flat, flat));
            assertTrue(e.getMessage().contains("logits") && e.getMessage().contains("[6]"), e.getMessage());
            Tensor ints = cpu.fromArray(new int[6], 2, 3);
            e = assertThrows(IllegalArgumentException.class, () -> softKl.forward(a, ints));
            assertTrue(e.getMessage().contains("I32") && e.getMessage().contains("[2, 3]"), e.getMessage());
        }
    }
}
