package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;

/**
 * Forward passes of the CPU reference ops in double, for gradient checks: finite differences of these give the
 * true gradient to ~1e-9, against which the float backward ops of {@link CpuBackend} are checked.
 */
final class DoubleForward {
    private DoubleForward() {
    }

    /** op(A)·op(B), (m, n), with the same storage conventions as {@link Backend#gemm}. */
    static double[] gemm(double[] a, double[] b, boolean transA, boolean transB, int m, int n, int k) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    static double[] biasAdd(double[] y, double[] bias, int outer, int channels, int inner) {
        double[] out = y.clone();
        for (int e = 0; e < out.length; e++) {
            out[e] += bias[(e / inner) % channels];
        }
        return out;
    }

    static double[] im2col(double[] x, Conv2dShape s) {
        double[] col = new double[s.colSize()];
        for (int row = 0; row < s.patch(); row++) {
            int dw = row % s.kw();
            int dh = (row / s.kw()) % s.kh();
            int ci = row / (s.kw() * s.kh());
            for (int column = 0; column < s.columns(); column++) {
                int q = column % s.outW();
                int r = (column / s.outW()) % s.outH();
                int ni = column / s.pixels();
                int hh = r * s.sh() - s.ph() + dh;
                int ww = q * s.sw() - s.pw() + dw;
                if (hh >= 0 && hh < s.h() && ww >= 0 && ww < s.w()) {
                    col[row * s.columns() + column] = x[((ni * s.cin() + ci) * s.h() + hh) * s.w() + ww];
                }
            }
        }
        return col;
    }

    static double[] swapLeadingAxes(double[] src, int a, int b, int inner) {
        double[] dst = new double[src.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(src, (i * b + j) * inner, dst, (j * a + i) * inner, inner);
            }
        }
        return dst;
    }

    static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int e = 0; e < x.length; e++) {
            y[e] = Math.max(x[e], 0);
        }
        return y;
    }

    static double[] maxPool(double[] x, Pool2d p) {
        return pool(x, p, true);
    }

    static double[] avgPool(double[] x, Pool2d p) {
        return pool(x, p, false);
    }

    private static double[] pool(double[] x, Pool2d p, boolean max) {
        double[] y = new double[p.outputSize()];
        int o = 0;
        for (int plane = 0; plane < p.n() * p.c(); plane++) {
            for (int r = 0; r < p.outH(); r++) {
                for (int q = 0; q < p.outW(); q++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int dh = 0; dh < p.kh(); dh++) {
                        for (int dw = 0; dw < p.kw(); dw++) {
                            int hh = r * p.sh() - p.ph() + dh;
                            int ww = q * p.sw() - p.pw() + dw;
                            if (hh >= 0 && hh < p.h() && ww >= 0 && ww < p.w()) {
                                double v = x[(plane * p.h() + hh) * p.w() + ww];
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        }
                    }
                    y[o++] = max ? acc : acc / (p.kh() * p.kw());
                }
            }
        }
        return y;
    }

    static double softmaxXent(double[] logits, int[] labels, int n, int classes) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, logits[r * classes + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(logits[r * classes + j] - max);
            }
            total += Math.log(sum) + max - logits[r * classes + labels[r]];
        }
        return total / n;
    }

    static double mse(double[] pred, double[] target) {
        double s = 0;
        for (int e = 0; e < pred.length; e++) {
            s += (pred[e] - target[e]) * (pred[e] - target[e]);
        }
        return s / pred.length;
    }

    static double[] logSoftmax(double[] x, int n, int classes) {
        double[] y = new double[x.length];
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, x[r * classes + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(x[r * classes + j] - max);
            }
            for (int j = 0; j < classes; j++) {
                y[r * classes + j] = x[r * classes + j] - max - Math.log(sum);
            }
        }
        return y;
    }

    static double klDiv(double[] logQ, double[] p, int n) {
        double s = 0;
        for (int e = 0; e < p.length; e++) {
            s += (p[e] == 0 ? 0 : p[e] * Math.log(p[e])) - p[e] * logQ[e];
        }
        return s / n;
    }

    /**
     * Batch norm in training mode over x (n, channels, inner): per channel the batch mean and biased variance of
     * its n·inner values, y = (x − mean) / √(var + eps)·weight + bias.
     */
    static double[] batchNorm(double[] x, double[] weight, double[] bias, int n, int channels, int inner,
            double eps) {
        double[] y = new double[x.length];
        int m = n * inner;
        for (int ch = 0; ch < channels; ch++) {
            double sum = 0;
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < inner; i++) {
                    sum += x[(o * channels + ch) * inner + i];
                }
            }
            double mean = sum / m;
            double squares = 0;
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < inner; i++) {
                    double d = x[(o * channels + ch) * inner + i] - mean;
                    squares += d * d;
                }
            }
            double inv = 1 / Math.sqrt(squares / m + eps);
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < inner; i++) {
                    int e = (o * channels + ch) * inner + i;
                    y[e] = (x[e] - mean) * inv * weight[ch] + bias[ch];
                }
            }
        }
        return y;
    }
}
