package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import org.junit.jupiter.api.Test;

/**
 * The reference rejects a class label outside [0, classes) in every op that takes labels, naming the first bad label
 * and its index, before it writes any output. LabelCheckParityTest checks that the OpenCL backend says the same.
 */
class LabelCheckTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void everyLabelOpRejectsTheFirstOutOfRangeLabelByIndexAndValue() {
        int n = 7;
        int classes = 10;
        int[] labels = {0, 9, 3, 3, 2, 10, -1};
        for (String op : new String[] {"softmaxXentForward", "softmaxXentBackward", "countCorrect"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> run(cpu, op, labels, n, classes));
            assertEquals(op + ": labels[5] = 10 is outside [0, 10)", e.getMessage());
        }
    }

    @Test
    void negativeLabelsAreRejectedToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(cpu, "softmaxXentBackward", new int[] {1, -3}, 2, 2));
        assertEquals("softmaxXentBackward: labels[1] = -3 is outside [0, 2)", e.getMessage());
    }

    @Test
    void aRejectedForwardLeavesItsOutputsUntouched() {
        try (Tensor z = cpu.fromArray(new float[] {1, 2, 3, 4}, 2, 2); Tensor y = cpu.fromArray(new int[] {0, 2}, 2);
                Tensor loss = SeededData.poisoned(cpu); Tensor probs = SeededData.poisoned(cpu, 2, 2)) {
            assertThrows(IllegalArgumentException.class, () -> cpu.softmaxXentForward(loss, probs, null, z, y, 2, 2));
            TestArrays.assertIdentical("probs", cpu.readFloats(probs), SeededData.nan(4));
            TestArrays.assertIdentical("loss", cpu.readFloats(loss), SeededData.nan(1));
        }
    }

    /** Runs one label op on zero scores and probabilities; the labels are what matter. */
    static void run(Backend be, String op, int[] labels, int n, int classes) {
        try (Tensor x = be.fromArray(new float[n * classes], n, classes); Tensor y = be.fromArray(labels, n);
                Tensor out = SeededData.poisoned(be, n, classes); Tensor loss = SeededData.poisoned(be);
                Tensor count = SeededData.poisonedInts(be)) {
            switch (op) {
                case "softmaxXentForward" -> be.softmaxXentForward(loss, out, null, x, y, n, classes);
                case "softmaxXentBackward" -> be.softmaxXentBackward(out, x, y, n, classes);
                case "countCorrect" -> be.countCorrect(count, x, y, n, classes);
                default -> throw new IllegalArgumentException(op);
            }
        }
    }
}
