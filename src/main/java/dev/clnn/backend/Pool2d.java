package dev.clnn.backend;

/**
 * The geometry of a 2-D pooling over NCHW input, with PyTorch's {@code MaxPool2d}/{@code AvgPool2d} rules: floor
 * mode, {@code out = floor((in + 2·pad − k) / stride) + 1}, padding at most half the window.
 *
 * @param n batch, c channels, h/w input height and width, kh/kw window, sh/sw stride, ph/pw zero padding
 */
public record Pool2d(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {

    public Pool2d {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
            throw new IllegalArgumentException("pooling input (n, c, h, w) = (" + n + ", " + c + ", " + h + ", " + w
                    + ") must be positive");
        }
        if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0) {
            throw new IllegalArgumentException("pooling window " + kh + "x" + kw + " and stride " + sh + "x" + sw
                    + " must be positive");
        }
        if (ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) {
            throw new IllegalArgumentException("pooling padding " + ph + "x" + pw + " must be between 0 and half the "
                    + "window " + kh + "x" + kw + " (as in PyTorch)");
        }
        if (h + 2 * ph < kh || w + 2 * pw < kw) {
            throw new IllegalArgumentException("pooling window " + kh + "x" + kw + " is larger than the padded input "
                    + (h + 2 * ph) + "x" + (w + 2 * pw));
        }
    }

    /** A square window with equal stride and padding in both directions. */
    public static Pool2d square(int n, int c, int h, int w, int k, int stride, int pad) {
        return new Pool2d(n, c, h, w, k, k, stride, stride, pad, pad);
    }

    public int outH() {
        return (h + 2 * ph - kh) / sh + 1;
    }

    public int outW() {
        return (w + 2 * pw - kw) / sw + 1;
    }

    public int inputSize() {
        return Math.multiplyExact(Math.multiplyExact(n, c), Math.multiplyExact(h, w));
    }

    public int outputSize() {
        return Math.multiplyExact(Math.multiplyExact(n, c), Math.multiplyExact(outH(), outW()));
    }

    @Override
    public String toString() {
        return "input (" + n + ", " + c + ", " + h + ", " + w + "), window " + kh + "x" + kw + ", stride " + sh + "x"
                + sw + ", padding " + ph + "x" + pw + ", output (" + n + ", " + c + ", " + outH() + ", " + outW() + ")";
    }
}
