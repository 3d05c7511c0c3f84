package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Both backends reject a class label outside [0, classes) the same way, in every op that takes labels: the same
 * exception and message, naming the first bad label and its index, and no output written. On the device this holds
 * for labels uploaded from the host (checked against the upload's range) and for labels a kernel wrote (read back).
 */
@Tag("opencl")
class LabelCheckParityTest {
    private static final String[] OPS = {"softmaxXentForward", "softmaxXentBackward", "countCorrect"};

    private final CpuBackend cpu = new CpuBackend();

    @Test
    void bothBackendsRejectUploadedBadLabelsWithTheSameMessage() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int classes = 10;
        int[][] cases = {{10}, {-1, 0}, {0, 9, 3, 10, 11, -5}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, Integer.MAX_VALUE},
                {Integer.MIN_VALUE, 3}};
        for (int[] labels : cases) {
            for (String op : OPS) {
                String expected = message(cpu, op, labels, classes);
                assertEquals(expected, message(cl, op, labels, classes));
            }
        }
        assertEquals("countCorrect: labels[3] = 10 is outside [0, 10)",
                message(cl, "countCorrect", cases[2], classes));
    }

    @Test
    void labelsWrittenByAKernelAreReadBackAndChecked() {
        OpenClBackend cl = OpenClTestSupport.backend();
        // argmaxRows over 12 scores per row gives indices up to 11; as labels of 10 classes some are bad.
        int n = 8;
        float[] scores = new float[n * 12];
        for (int r = 0; r < n; r++) {
            scores[r * 12 + (r * 5) % 12] = 1f; // row r peaks at (5r mod 12): 0, 5, 10, 3, ...
        }
        for (String op : OPS) {
            String expected = message(cpu, op, argmaxRows(cpu, scores, n), 10);
            assertEquals(op + ": labels[2] = 10 is outside [0, 10)", expected);
            assertEquals(expected, messageFromKernelLabels(cl, op, scores, n));
        }
    }

    @Test
    void aFilledLabelTensorIsCheckedAgainstItsValue() {
        OpenClBackend cl = OpenClTestSupport.backend();
        try (Tensor y = cl.empty(DType.I32, 3)) {
            cl.fill(y, 10);
            assertEquals("softmaxXentBackward: labels[0] = 10 is outside [0, 10)",
                    rejection(() -> run(cl, "softmaxXentBackward", y, 3, 10)));
            cl.fill(y, 9);
            run(cl, "softmaxXentBackward", y, 3, 10);
        }
    }

    @Test
    void aGoodUploadAfterABadOneIsAcceptedAndAViewSharesItsBasesCheck() {
        OpenClBackend cl = OpenClTestSupport.backend();
        try (Tensor base = cl.empty(DType.I32, 2, 2); Tensor y = base.view(4)) {
            cl.write(base, new int[] {0, 1, 2, 7});
            assertEquals("countCorrect: labels[3] = 7 is outside [0, 4)", rejection(() -> run(cl, "countCorrect", y,
                    4, 4)));
            cl.write(base, new int[] {0, 1, 2, 3});
            run(cl, "countCorrect", y, 4, 4);
            cl.write(y, new int[] {4, 0, 0, 0});
            assertEquals("countCorrect: labels[0] = 4 is outside [0, 4)", rejection(() -> run(cl, "countCorrect",
                    base.view(4), 4, 4)));
        }
    }

    @Test
    void aRejectedOpWritesNoOutputOnTheDevice() {
        OpenClBackend cl = OpenClTestSupport.backend();
        try (Tensor z = cl.fromArray(new float[] {1, 2, 3, 4}, 2, 2); Tensor y = cl.fromArray(new int[] {0, 2}, 2);
                Tensor loss = SeededData.poisoned(cl); Tensor probs = SeededData.poisoned(cl, 2, 2);
                Tensor count = SeededData.poisonedInts(cl)) {
            rejection(() -> cl.softmaxXentForward(loss, probs, null, z, y, 2, 2));
            rejection(() -> cl.softmaxXentBackward(probs, z, y, 2, 2));
            rejection(() -> cl.countCorrect(count, z, y, 2, 2));
            TestArrays.assertIdentical("probs", cl.readFloats(probs), SeededData.nan(4));
            TestArrays.assertIdentical("loss", cl.readFloats(loss), SeededData.nan(1));
            TestArrays.assertIdentical("count", cl.readInts(count), new int[] {Integer.MIN_VALUE});
        }
    }

    private static int[] argmaxRows(Backend be, float[] scores, int n) {
        try (Tensor x = be.fromArray(scores, n, scores.length / n); Tensor idx = be.empty(DType.I32, n)) {
            be.argmaxRows(idx, x, n, scores.length / n);
            return be.readInts(idx);
        }
    }

    /** The message of the op run on labels that argmaxRows wrote on the device, never read by the host. */
    private static String messageFromKernelLabels(OpenClBackend cl, String op, float[] scores, int n) {
        try (Tensor x = cl.fromArray(scores, n, scores.length / n); Tensor idx = cl.empty(DType.I32, n)) {
            cl.fill(idx, 0);
            cl.argmaxRows(idx, x, n, scores.length / n);
            return rejection(() -> run(cl, op, idx, n, 10));
        }
    }

    private static String message(Backend be, String op, int[] labels, int classes) {
        try (Tensor y = be.fromArray(labels, labels.length)) {
            return rejection(() -> run(be, op, y, labels.length, classes));
        }
    }

    private static String rejection(Runnable body) {
        return assertThrows(IllegalArgumentException.class, body::run).getMessage();
    }

    /** Runs one label op with zero scores; the labels are what matter. */
    private static void run(Backend be, String op, Tensor labels, int n, int classes) {
        Consumer<Tensor[]> call = switch (op) {
            case "softmaxXentForward" -> t -> be.softmaxXentForward(t[1], t[0], null, t[2], labels, n, classes);
            case "softmaxXentBackward" -> t -> be.softmaxXentBackward(t[0], t[2], labels, n, classes);
            case "countCorrect" -> t -> be.countCorrect(t[3], t[2], labels, n, classes);
            default -> throw new IllegalArgumentException(op);
        };
        try (Tensor out = SeededData.poisoned(be, n, classes); Tensor loss = SeededData.poisoned(be);
                Tensor x = be.fromArray(new float[n * classes], n, classes);
                Tensor count = SeededData.poisonedInts(be)) {
            call.accept(new Tensor[] {out, loss, x, count});
        }
    }
}
