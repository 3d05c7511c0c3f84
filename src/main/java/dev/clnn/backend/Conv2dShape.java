package dev.clnn.backend;

/**
 * The geometry of a 2-D convolution over NCHW input with PyTorch's {@code nn.Conv2d} rules (zero padding, no
 * dilation): {@code out = floor((in + 2·pad − k) / stride) + 1}. Weights are (cout, cin, kh, kw).
 *
 * <p>The im2col matrix is (cin·kh·kw, n·outH·outW): row (ci·kh + dh)·kw + dw, column (ni·outH + r)·outW + q holds
 * x[ni, ci, r·sh − ph + dh, q·sw − pw + dw], or 0 where that falls in the padding.
 */
public record Conv2dShape(int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw) {

    public Conv2dShape {
        if (n <= 0 || cin <= 0 || h <= 0 || w <= 0 || cout <= 0) {
            throw new IllegalArgumentException("convolution sizes (n, cin, h, w, cout) = (" + n + ", " + cin + ", " + h
                    + ", " + w + ", " + cout + ") must be positive");
        }
        if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || ph < 0 || pw < 0) {
            throw new IllegalArgumentException("convolution kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw
                    + " must be positive and padding " + ph + "x" + pw + " non-negative");
        }
        if (h + 2 * ph < kh || w + 2 * pw < kw) {
            throw new IllegalArgumentException("convolution kernel " + kh + "x" + kw + " is larger than the padded "
                    + "input " + (h + 2 * ph) + "x" + (w + 2 * pw));
        }
    }

    /** A square kernel with equal stride and padding in both directions. */
    public static Conv2dShape square(int n, int cin, int h, int w, int cout, int k, int stride, int pad) {
        return new Conv2dShape(n, cin, h, w, cout, k, k, stride, stride, pad, pad);
    }

    public int outH() {
        return (h + 2 * ph - kh) / sh + 1;
    }

    public int outW() {
        return (w + 2 * pw - kw) / sw + 1;
    }

    /** Rows of the im2col matrix: cin·kh·kw (the GEMM's k). */
    public int patch() {
        return Math.multiplyExact(cin, Math.multiplyExact(kh, kw));
    }

    /** Output pixels per image: outH·outW. */
    public int pixels() {
        return Math.multiplyExact(outH(), outW());
    }

    /** Columns of the im2col matrix: n·outH·outW. */
    public int columns() {
        return Math.multiplyExact(n, pixels());
    }

    public int inputSize() {
        return Math.multiplyExact(Math.multiplyExact(n, cin), Math.multiplyExact(h, w));
    }

    public int outputSize() {
        return Math.multiplyExact(Math.multiplyExact(n, cout), pixels());
    }

    public int colSize() {
        return Math.multiplyExact(patch(), columns());
    }

    @Override
    public String toString() {
        return "input (" + n + ", " + cin + ", " + h + ", " + w + "), weight (" + cout + ", " + cin + ", " + kh + ", "
                + kw + "), stride " + sh + "x" + sw + ", padding " + ph + "x" + pw + ", output (" + n + ", " + cout
                + ", " + outH() + ", " + outW() + ")";
    }
}
