package dev.clnn.backend.profile;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.Pool2d;

/**
 * The work of one call of a {@link Backend} op, counted here and nowhere else: floating-point operations for gemm
 * (2·m·n·k), and for the memory-bound ops the bytes they must move at least, each input read once and each output
 * written once (a read-modify-write output counts twice), whatever a kernel really fetches. One method per op, named
 * after it, taking the op's sizes.
 */
final class OpWork {
    /** Bytes per float and per int element. */
    private static final long E = 4;

    private OpWork() {
    }

    /** 2·m·n·k multiply-adds counted as two operations each, as CLBlast and the GEMM benchmark count. */
    static long gemm(int m, int n, int k) {
        return 2L * m * n * k;
    }

    static long fill(int count) {
        return E * count;
    }

    static long copy(int count) {
        return 2 * E * count;
    }

    /** y is read and written, b read once. */
    static long biasAddForward(int outer, int channels, int inner) {
        return E * (2L * outer * channels * inner + channels);
    }

    /** dy read, db read and written. */
    static long biasAddBackward(int outer, int channels, int inner) {
        return E * ((long) outer * channels * inner + 2L * channels);
    }

    /** dy and the ReLU's output read, dx written, db read and written. */
    static long reluBiasAddBackward(int n, int channels) {
        return E * (3L * n * channels + 2L * channels);
    }

    static long im2col(Conv2dShape s) {
        return E * ((long) s.colSize() + s.inputSize());
    }

    static long col2im(Conv2dShape s) {
        return E * ((long) s.colSize() + s.inputSize());
    }

    static long swapLeadingAxes(int a, int b, int inner) {
        return 2 * E * a * b * inner;
    }

    static long swapLeadingAxesAddBias(int a, int b, int inner) {
        return swapLeadingAxes(a, b, inner) + E * a;
    }

    /**
     * The direct convolution's multiply-adds, forward or for the parameter gradients alike: 2·n·cout·outH·outW·
     * cin·kh·kw, the count of the GEMM it replaces (the bias adds are not counted, as a GEMM's epilogue is not).
     */
    static long convDirect(Conv2dShape s) {
        return 2L * s.outputSize() * s.patch();
    }

    static long reluForward(int count) {
        return 2 * E * count;
    }

    static long reluBackward(int count) {
        return 3 * E * count;
    }

    /** One tensor read and one written, either way: the mask is drawn again, not stored. */
    static long dropout(int rows, int rowLength) {
        return 2 * E * rows * rowLength;
    }

    /** x read; y and the argmax written. */
    static long maxPoolForward(Pool2d p) {
        return E * ((long) p.inputSize() + 2L * p.outputSize());
    }

    /** dx written, dy and the arg-max read, and with a fused ReLU the pool's output read as the gate. */
    static long maxPoolBackward(Pool2d p, boolean relu) {
        return E * ((long) p.inputSize() + (relu ? 3L : 2L) * p.outputSize());
    }

    static long avgPoolForward(Pool2d p) {
        return E * ((long) p.inputSize() + p.outputSize());
    }

    /** dx written, dy read, and with a fused ReLU its output (the pool's input) read as the gate. */
    static long avgPoolBackward(Pool2d p, boolean relu) {
        return E * ((relu ? 2L : 1L) * p.inputSize() + p.outputSize());
    }

    /** Logits read, probs (and with the gradient dLogits) written, labels read, one loss written. */
    static long softmaxXentForward(int n, int classes, boolean gradient) {
        return E * ((gradient ? 3L : 2L) * n * classes + n + 1);
    }

    /** Probs read, labels read, dLogits written. */
    static long softmaxXentBackward(int n, int classes) {
        return E * (2L * n * classes + n);
    }

    static long mseForward(int count) {
        return E * (2L * count + 1);
    }

    static long mseBackward(int count) {
        return 3 * E * count;
    }

    static long klDivForward(int n, int classes) {
        return E * (2L * n * classes + 1);
    }

    static long klDivBackward(int n, int classes) {
        return 2 * E * n * classes;
    }

    /** x read, y written. */
    static long logSoftmaxForward(int n, int classes) {
        return 2 * E * n * classes;
    }

    /** dy and y read, dx written. */
    static long logSoftmaxBackward(int n, int classes) {
        return 3 * E * n * classes;
    }

    /** x read twice (mean, then variance) and once more to write y; six per-channel vectors read or written. */
    static long batchNormForward(int n, int channels, int inner) {
        return E * (4L * n * channels * inner + 8L * channels);
    }

    /** x read, y written, four per-channel vectors read. */
    static long batchNormEvalForward(int n, int channels, int inner) {
        return E * (2L * n * channels * inner + 4L * channels);
    }

    /** dy and x read twice (sums, then dx), dx written; the gradients read and written, three vectors read. */
    static long batchNormBackward(int n, int channels, int inner) {
        return E * (5L * n * channels * inner + 7L * channels);
    }

    static long reduceSum(int count) {
        return E * (count + 1L);
    }

    /** x read, the scalar read and written. */
    static long sumSquares(int count) {
        return E * (count + 2L);
    }

    /** x read and written, the scalar read. */
    static long clipGradNorm(int count) {
        return E * (2L * count + 1);
    }

    /** param read and written, grad read, and with momentum its buffer read and written. */
    static long sgdUpdate(int count, boolean momentum) {
        return E * count * (momentum ? 5L : 3L);
    }

    /** param, m and v (and vmax with amsgrad) read and written, grad read. */
    static long adamUpdate(int count, boolean amsgrad) {
        return E * count * (amsgrad ? 9L : 7L);
    }

    /** x read, one index per row written. */
    static long argmaxRows(int n, int classes) {
        return E * ((long) n * classes + n);
    }

    /** x and labels read, one count written. */
    static long countCorrect(int n, int classes) {
        return E * ((long) n * classes + n + 1);
    }
}
