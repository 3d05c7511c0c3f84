package dev.clnn.backend.cpu;

import dev.clnn.backend.AdamHyper;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.DropoutDraw;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.ConvPolicy;
import dev.clnn.backend.DType;
import dev.clnn.backend.OpChecks;
import dev.clnn.backend.Pool2d;
import dev.clnn.backend.SgdHyper;
import dev.clnn.backend.Shapes;
import dev.clnn.backend.Tensor;
import java.util.Arrays;

/**
 * The reference backend: plain loops over Java arrays, written to be read, not to be fast. It is the specification
 * every OpenCL kernel is tested against, and the fallback where no OpenCL device exists. Long sums (GEMM, the bias
 * gradient, the losses, reduceSum) accumulate in double, so there the reference is at least as accurate as any
 * kernel. Short sums that a kernel does in float in the same order (a pooling window, the outputs a max- or
 * average-pooling gradient or col2im gathers) accumulate in float here too, so the two round alike.
 */
public final class CpuBackend implements Backend {
    private final ConvPolicy conv;

    /** The reference with the convolution algorithm chosen by {@link ConvPolicy#forDevice} for a CPU. */
    public CpuBackend() {
        this(ConvPolicy.forDevice(false));
    }

    /** The reference with its convolution layers following {@code conv} (tests force each algorithm). */
    public CpuBackend(ConvPolicy conv) {
        this.conv = conv;
    }

    @Override
    public String name() {
        return "cpu (Java reference)";
    }

    // ---- storage ------------------------------------------------------------------------------------------------

    @Override
    public Tensor empty(DType dtype, int... shape) {
        return new CpuTensor(dtype, shape);
    }

    @Override
    public Tensor fromArray(float[] data, int... shape) {
        CpuTensor t = new CpuTensor(DType.F32, shape);
        write(t, data);
        return t;
    }

    @Override
    public Tensor fromArray(int[] data, int... shape) {
        CpuTensor t = new CpuTensor(DType.I32, shape);
        write(t, data);
        return t;
    }

    @Override
    public void write(Tensor dst, float[] data) {
        Shapes.check("write", "destination", dst, DType.F32, data.length, "the host array");
        System.arraycopy(data, 0, f(dst), 0, data.length);
    }

    @Override
    public void write(Tensor dst, int[] data) {
        Shapes.check("write", "destination", dst, DType.I32, data.length, "the host array");
        System.arraycopy(data, 0, i(dst), 0, data.length);
    }

    @Override
    public float[] readFloats(Tensor src) {
        return f(src).clone();
    }

    @Override
    public int[] readInts(Tensor src) {
        return i(src).clone();
    }

    @Override
    public void synchronize() {
        // Every op has finished when it returns.
    }

    @Override
    public void close() {
        // No resources beyond the garbage-collected arrays.
    }

    // ---- memory helpers -----------------------------------------------------------------------------------------

    @Override
    public void fill(Tensor x, float value) {
        OpChecks.fill(x, DType.F32);
        Arrays.fill(f(x), value);
    }

    @Override
    public void fill(Tensor x, int value) {
        OpChecks.fill(x, DType.I32);
        Arrays.fill(i(x), value);
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        OpChecks.copy(dst, src);
        System.arraycopy(f(src), 0, f(dst), 0, src.size());
    }

    // ---- linear algebra -----------------------------------------------------------------------------------------

    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta) {
        OpChecks.gemm(c, a, b, transA, transB, m, n, k);
        float[] A = f(a); // (m, k), or (k, m) when transA
        float[] B = f(b); // (k, n), or (n, k) when transB
        float[] C = f(c); // (m, n)
        double[] row = new double[n];
        for (int i = 0; i < m; i++) {
            Arrays.fill(row, 0.0);
            for (int p = 0; p < k; p++) {
                double aip = transA ? A[p * m + i] : A[i * k + p];
                for (int j = 0; j < n; j++) {
                    row[j] += aip * (transB ? B[j * k + p] : B[p * n + j]);
                }
            }
            for (int j = 0; j < n; j++) {
                // BLAS convention: with beta = 0, C is written, never read.
                double prior = beta == 0f ? 0.0 : (double) beta * C[i * n + j];
                C[i * n + j] = (float) (alpha * row[j] + prior);
            }
        }
    }

    @Override
    public void biasAddForward(Tensor y, Tensor b, int outer, int channels, int inner, boolean relu) {
        OpChecks.bias("biasAddForward", y, b, outer, channels, inner);
        float[] Y = f(y); // (outer, channels, inner)
        float[] bias = f(b); // (channels)
        for (int o = 0; o < outer; o++) {
            for (int ch = 0; ch < channels; ch++) {
                int base = (o * channels + ch) * inner;
                for (int x = 0; x < inner; x++) {
                    float v = Y[base + x] + bias[ch];
                    Y[base + x] = relu ? relu(v) : v;
                }
            }
        }
    }

    @Override
    public void biasAddBackward(Tensor db, Tensor dy, int outer, int channels, int inner) {
        OpChecks.bias("biasAddBackward", dy, db, outer, channels, inner);
        float[] dB = f(db); // (channels), accumulated
        float[] dY = f(dy); // (outer, channels, inner)
        for (int ch = 0; ch < channels; ch++) {
            double sum = 0;
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + ch) * inner;
                for (int x = 0; x < inner; x++) {
                    sum += dY[base + x];
                }
            }
            dB[ch] = (float) (dB[ch] + sum);
        }
    }

    @Override
    public void reluBiasAddBackward(Tensor dx, Tensor db, Tensor dy, Tensor reluOutput, int n, int channels) {
        OpChecks.reluBias("reluBiasAddBackward", dx, db, dy, reluOutput, n, channels);
        reluBackward(dx, dy, reluOutput, n * channels);
        biasAddBackward(db, dx, n, channels, 1);
    }

    @Override
    public void batchNormForward(Tensor y, Tensor mean, Tensor invStd, Tensor runningMean, Tensor runningVar,
            Tensor x, Tensor weight, Tensor bias, int n, int channels, int inner, float momentum, float eps) {
        String op = "batchNormForward";
        OpChecks.batchNorm(op, n, channels, inner, "y,x", new Tensor[] {y, x},
                "mean,invStd,runningMean,runningVar,weight,bias", mean, invStd, runningMean, runningVar, weight, bias);
        OpChecks.batchNormTraining(op, n, inner);
        float[] Y = f(y); // (n, channels, inner)
        float[] X = f(x); // (n, channels, inner)
        float[] mu = f(mean); // (channels)
        float[] is = f(invStd); // (channels)
        float[] rm = f(runningMean); // (channels), updated
        float[] rv = f(runningVar); // (channels), updated
        float[] g = f(weight); // (channels)
        float[] b = f(bias); // (channels)
        long m = (long) n * inner;
        for (int ch = 0; ch < channels; ch++) {
            // Two passes in double, in index order: the variance never loses the mean's digits.
            double sum = 0;
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < inner; i++) {
                    sum += X[(o * channels + ch) * inner + i];
                }
            }
            double mu64 = sum / m;
            double squares = 0;
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < inner; i++) {
                    double d = X[(o * channels + ch) * inner + i] - mu64;
                    squares += d * d;
                }
            }
            double var = squares / m;
            double inv = 1 / Math.sqrt(var + eps);
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < inner; i++) {
                    int e = (o * channels + ch) * inner + i;
                    Y[e] = (float) ((X[e] - mu64) * inv * g[ch] + b[ch]);
                }
            }
            mu[ch] = (float) mu64;
            is[ch] = (float) inv;
            rm[ch] = (float) ((1 - (double) momentum) * rm[ch] + momentum * mu64);
            rv[ch] = (float) ((1 - (double) momentum) * rv[ch] + momentum * (squares / (m - 1)));
        }
    }

    @Override
    public void batchNormEvalForward(Tensor y, Tensor x, Tensor weight, Tensor bias, Tensor runningMean,
            Tensor runningVar, int n, int channels, int inner, float eps) {
        OpChecks.batchNorm("batchNormEvalForward", n, channels, inner, "y,x", new Tensor[] {y, x},
                "weight,bias,runningMean,runningVar", weight, bias, runningMean, runningVar);
        float[] Y = f(y); // (n, channels, inner)
        float[] X = f(x); // (n, channels, inner)
        float[] g = f(weight); // (channels)
        float[] b = f(bias); // (channels)
        float[] rm = f(runningMean); // (channels)
        float[] rv = f(runningVar); // (channels)
        for (int o = 0; o < n; o++) {
            for (int ch = 0; ch < channels; ch++) {
                double scale = g[ch] / Math.sqrt((double) rv[ch] + eps);
                for (int i = 0; i < inner; i++) {
                    int e = (o * channels + ch) * inner + i;
                    Y[e] = (float) ((X[e] - (double) rm[ch]) * scale + b[ch]);
                }
            }
        }
    }

    @Override
    public void batchNormBackward(Tensor dx, Tensor dWeight, Tensor dBias, Tensor dy, Tensor x, Tensor mean,
            Tensor invStd, Tensor weight, int n, int channels, int inner) {
        OpChecks.batchNorm("batchNormBackward", n, channels, inner, "dx,dy,x", new Tensor[] {dx, dy, x},
                "dWeight,dBias,mean,invStd,weight", dWeight, dBias, mean, invStd, weight);
        float[] dX = f(dx); // (n, channels, inner), overwritten
        float[] dW = f(dWeight); // (channels), accumulated
        float[] dB = f(dBias); // (channels), accumulated
        float[] dY = f(dy); // (n, channels, inner)
        float[] X = f(x); // (n, channels, inner)
        float[] mu = f(mean); // (channels), saved by the forward pass
        float[] is = f(invStd); // (channels), saved by the forward pass
        float[] g = f(weight); // (channels)
        long m = (long) n * inner;
        for (int ch = 0; ch < channels; ch++) {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < inner; i++) {
                    int e = (o * channels + ch) * inner + i;
                    sumDy += dY[e];
                    sumDyXhat += dY[e] * ((X[e] - (double) mu[ch]) * is[ch]);
                }
            }
            double scale = (double) g[ch] * is[ch];
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < inner; i++) {
                    int e = (o * channels + ch) * inner + i;
                    double xhat = (X[e] - (double) mu[ch]) * is[ch];
                    dX[e] = (float) (scale * (dY[e] - sumDy / m - xhat * sumDyXhat / m));
                }
            }
            dW[ch] = (float) (dW[ch] + sumDyXhat);
            dB[ch] = (float) (dB[ch] + sumDy);
        }
    }

    @Override
    public void im2col(Tensor col, Tensor x, Conv2dShape s) {
        OpChecks.conv("im2col", col, x, s);
        float[] X = f(x); // (n, cin, h, w)
        float[] C = f(col); // (cin·kh·kw, n·outH·outW)
        int columns = s.columns();
        for (int row = 0; row < s.patch(); row++) {
            int dw = row % s.kw();
            int dh = (row / s.kw()) % s.kh();
            int ci = row / (s.kw() * s.kh());
            for (int column = 0; column < columns; column++) {
                int q = column % s.outW();
                int r = (column / s.outW()) % s.outH();
                int ni = column / s.pixels();
                int hh = r * s.sh() - s.ph() + dh;
                int ww = q * s.sw() - s.pw() + dw;
                boolean inside = hh >= 0 && hh < s.h() && ww >= 0 && ww < s.w();
                C[row * columns + column] = inside ? X[((ni * s.cin() + ci) * s.h() + hh) * s.w() + ww] : 0f;
            }
        }
    }

    @Override
    public void col2im(Tensor dx, Tensor col, Conv2dShape s) {
        OpChecks.conv("col2im", col, dx, s);
        float[] dX = f(dx);
        float[] C = f(col);
        int columns = s.columns();
        Arrays.fill(dX, 0f);
        // Scatter in (row, column) order; the kernel gathers in the same order, so sums round identically.
        for (int row = 0; row < s.patch(); row++) {
            int dw = row % s.kw();
            int dh = (row / s.kw()) % s.kh();
            int ci = row / (s.kw() * s.kh());
            for (int column = 0; column < columns; column++) {
                int q = column % s.outW();
                int r = (column / s.outW()) % s.outH();
                int ni = column / s.pixels();
                int hh = r * s.sh() - s.ph() + dh;
                int ww = q * s.sw() - s.pw() + dw;
                if (hh >= 0 && hh < s.h() && ww >= 0 && ww < s.w()) {
                    dX[((ni * s.cin() + ci) * s.h() + hh) * s.w() + ww] += C[row * columns + column];
                }
            }
        }
    }

    @Override
    public void swapLeadingAxes(Tensor dst, Tensor src, int a, int b, int inner) {
        OpChecks.swap(dst, src, a, b, inner);
        float[] D = f(dst); // (b, a, inner)
        float[] S = f(src); // (a, b, inner)
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(S, (i * b + j) * inner, D, (j * a + i) * inner, inner);
            }
        }
    }

    @Override
    public void swapLeadingAxesAddBias(Tensor dst, Tensor src, Tensor bias, int a, int b, int inner, boolean relu) {
        OpChecks.swapAddBias(dst, src, bias, a, b, inner);
        float[] D = f(dst); // (b, a, inner)
        float[] S = f(src); // (a, b, inner)
        float[] B = f(bias); // (a)
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < inner; k++) {
                    float v = S[(i * b + j) * inner + k] + B[i];
                    D[(j * a + i) * inner + k] = relu ? relu(v) : v;
                }
            }
        }
    }

    @Override
    public ConvAlgorithm convAlgorithm(Conv2dShape s) {
        return conv.choose(s);
    }

    @Override
    public void convDirectForward(Tensor y, Tensor x, Tensor weight, Tensor bias, Conv2dShape s, boolean relu) {
        OpChecks.convDirect("convDirectForward", y, x, weight, bias, s);
        float[] Y = f(y); // (n, cout, outH, outW)
        float[] X = f(x); // (n, cin, h, w)
        float[] W = f(weight); // (cout, cin·kh·kw)
        float[] B = f(bias); // (cout)
        for (int ni = 0; ni < s.n(); ni++) {
            for (int co = 0; co < s.cout(); co++) {
                for (int r = 0; r < s.outH(); r++) {
                    for (int q = 0; q < s.outW(); q++) {
                        // Fused multiply-adds in (ci, dh, dw) order after the bias: the kernel's order and rounding.
                        float acc = B[co];
                        for (int t = 0; t < s.patch(); t++) {
                            acc = Math.fma(W[co * s.patch() + t], tap(X, s, ni, t, r, q), acc);
                        }
                        Y[((ni * s.cout() + co) * s.outH() + r) * s.outW() + q] = relu ? relu(acc) : acc;
                    }
                }
            }
        }
    }

    @Override
    public void convDirectBackward(Tensor dWeight, Tensor dBias, Tensor dy, Tensor x, Conv2dShape s) {
        OpChecks.convDirect("convDirectBackward", dy, x, dWeight, dBias, s);
        float[] dW = f(dWeight); // (cout, cin·kh·kw), accumulated
        float[] dB = f(dBias); // (cout), accumulated
        float[] dY = f(dy); // (n, cout, outH, outW)
        float[] X = f(x); // (n, cin, h, w)
        for (int co = 0; co < s.cout(); co++) {
            double[] sums = new double[s.patch()];
            double bias = 0;
            for (int ni = 0; ni < s.n(); ni++) {
                for (int r = 0; r < s.outH(); r++) {
                    for (int q = 0; q < s.outW(); q++) {
                        double g = dY[((ni * s.cout() + co) * s.outH() + r) * s.outW() + q];
                        bias += g;
                        for (int t = 0; t < s.patch(); t++) {
                            sums[t] += g * tap(X, s, ni, t, r, q);
                        }
                    }
                }
            }
            for (int t = 0; t < s.patch(); t++) {
                dW[co * s.patch() + t] = (float) (dW[co * s.patch() + t] + sums[t]);
            }
            dB[co] = (float) (dB[co] + bias);
        }
    }

    /** The input tap t = (ci·kh + dh)·kw + dw of output pixel (r, q) of image ni, 0 in the padding. */
    private static float tap(float[] x, Conv2dShape s, int ni, int t, int r, int q) {
        int dw = t % s.kw();
        int dh = (t / s.kw()) % s.kh();
        int ci = t / (s.kw() * s.kh());
        int hh = r * s.sh() - s.ph() + dh;
        int ww = q * s.sw() - s.pw() + dw;
        boolean inside = hh >= 0 && hh < s.h() && ww >= 0 && ww < s.w();
        return inside ? x[((ni * s.cin() + ci) * s.h() + hh) * s.w() + ww] : 0f;
    }

    // ---- activations --------------------------------------------------------------------------------------------

    @Override
    public void reluForward(Tensor y, Tensor x, int count) {
        OpChecks.elementwise("reluForward", count, "y,x", y, x);
        float[] Y = f(y);
        float[] X = f(x);
        for (int e = 0; e < count; e++) {
            Y[e] = relu(X[e]);
        }
    }

    /** max(v, 0); v <= 0 is false for NaN, so NaN passes through as in PyTorch. */
    private static float relu(float v) {
        return v <= 0f ? 0f : v;
    }

    @Override
    public void dropoutForward(Tensor y, Tensor x, int rows, int rowLength, DropoutDraw draw) {
        OpChecks.dropout("dropoutForward", rows, rowLength, "y,x", y, x, draw);
        dropout(f(y), f(x), rows, rowLength, draw);
    }

    @Override
    public void dropoutBackward(Tensor dx, Tensor dy, int rows, int rowLength, DropoutDraw draw) {
        OpChecks.dropout("dropoutBackward", rows, rowLength, "dx,dy", dx, dy, draw);
        dropout(f(dx), f(dy), rows, rowLength, draw);
    }

    /** out[r, e] = kept ? in[r, e] · scale : 0; out (rows, rowLength), in (rows, rowLength). */
    private static void dropout(float[] out, float[] in, int rows, int rowLength, DropoutDraw draw) {
        float scale = draw.scale();
        for (int r = 0; r < rows; r++) {
            for (int e = 0; e < rowLength; e++) {
                int i = r * rowLength + e;
                out[i] = draw.keeps(r, e) ? in[i] * scale : 0f;
            }
        }
    }

    @Override
    public void reluBackward(Tensor dx, Tensor dy, Tensor x, int count) {
        OpChecks.elementwise("reluBackward", count, "dx,dy,x", dx, dy, x);
        float[] dX = f(dx);
        float[] dY = f(dy);
        float[] X = f(x);
        for (int e = 0; e < count; e++) {
            dX[e] = X[e] <= 0f ? 0f : dY[e];
        }
    }

    // ---- pooling ------------------------------------------------------------------------------------------------

    @Override
    public void maxPoolForward(Tensor y, Tensor argmax, Tensor x, Pool2d p) {
        OpChecks.pool("maxPoolForward", y, x, p);
        OpChecks.argmax("maxPoolForward", argmax, p);
        float[] X = f(x); // (n, c, h, w)
        float[] Y = f(y); // (n, c, outH, outW)
        int[] idx = i(argmax); // (n, c, outH, outW), index within the (h, w) plane
        int oh = p.outH();
        int ow = p.outW();
        for (int plane = 0; plane < p.n() * p.c(); plane++) {
            int in = plane * p.h() * p.w();
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    int h0 = r * p.sh() - p.ph();
                    int w0 = q * p.sw() - p.pw();
                    int hs = Math.max(h0, 0);
                    int ws = Math.max(w0, 0);
                    int he = Math.min(h0 + p.kh(), p.h());
                    int we = Math.min(w0 + p.kw(), p.w());
                    float best = Float.NEGATIVE_INFINITY;
                    int bestIndex = hs * p.w() + ws;
                    for (int hh = hs; hh < he; hh++) {
                        for (int ww = ws; ww < we; ww++) {
                            float v = X[in + hh * p.w() + ww];
                            // As PyTorch: strictly greater wins, and any NaN takes over.
                            if (v > best || Float.isNaN(v)) {
                                best = v;
                                bestIndex = hh * p.w() + ww;
                            }
                        }
                    }
                    int out = (plane * oh + r) * ow + q;
                    Y[out] = best;
                    idx[out] = bestIndex;
                }
            }
        }
    }

    @Override
    public void maxPoolBackward(Tensor dx, Tensor dy, Tensor argmax, Tensor y, Pool2d p) {
        OpChecks.pool("maxPoolBackward", dy, dx, p);
        OpChecks.argmax("maxPoolBackward", argmax, p);
        OpChecks.reluGate("maxPoolBackward", y, true, p);
        float[] dX = f(dx);
        float[] dY = f(dy);
        int[] idx = i(argmax);
        float[] Y = y == null ? null : f(y);
        int planeIn = p.h() * p.w();
        int planeOut = p.outH() * p.outW();
        Arrays.fill(dX, 0f);
        for (int plane = 0; plane < p.n() * p.c(); plane++) {
            for (int o = 0; o < planeOut; o++) {
                int out = plane * planeOut + o;
                // After a fused ReLU: the winner x = y, so y ≤ 0 is where the ReLU's gradient is 0.
                dX[plane * planeIn + idx[out]] += Y != null && Y[out] <= 0f ? 0f : dY[out];
            }
        }
    }

    @Override
    public void avgPoolForward(Tensor y, Tensor x, Pool2d p) {
        OpChecks.pool("avgPoolForward", y, x, p);
        float[] X = f(x);
        float[] Y = f(y);
        int oh = p.outH();
        int ow = p.outW();
        float divisor = p.kh() * p.kw(); // count_include_pad: padded cells count, floor mode keeps windows whole
        for (int plane = 0; plane < p.n() * p.c(); plane++) {
            int in = plane * p.h() * p.w();
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    int h0 = r * p.sh() - p.ph();
                    int w0 = q * p.sw() - p.pw();
                    float sum = 0f;
                    for (int hh = Math.max(h0, 0); hh < Math.min(h0 + p.kh(), p.h()); hh++) {
                        for (int ww = Math.max(w0, 0); ww < Math.min(w0 + p.kw(), p.w()); ww++) {
                            sum += X[in + hh * p.w() + ww];
                        }
                    }
                    Y[(plane * oh + r) * ow + q] = sum / divisor;
                }
            }
        }
    }

    @Override
    public void avgPoolBackward(Tensor dx, Tensor dy, Tensor reluOutput, Pool2d p) {
        OpChecks.pool("avgPoolBackward", dy, dx, p);
        OpChecks.reluGate("avgPoolBackward", reluOutput, false, p);
        float[] dX = f(dx);
        float[] dY = f(dy);
        int oh = p.outH();
        int ow = p.outW();
        float divisor = p.kh() * p.kw();
        Arrays.fill(dX, 0f);
        for (int plane = 0; plane < p.n() * p.c(); plane++) {
            int in = plane * p.h() * p.w();
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    float g = dY[(plane * oh + r) * ow + q] / divisor;
                    int h0 = r * p.sh() - p.ph();
                    int w0 = q * p.sw() - p.pw();
                    for (int hh = Math.max(h0, 0); hh < Math.min(h0 + p.kh(), p.h()); hh++) {
                        for (int ww = Math.max(w0, 0); ww < Math.min(w0 + p.kw(), p.w()); ww++) {
                            dX[in + hh * p.w() + ww] += g;
                        }
                    }
                }
            }
        }
        reluGate(dX, reluOutput);
    }

    /** A fused ReLU's backward after a pooling backward: dX = 0 where the ReLU's output is ≤ 0 (none when null). */
    private static void reluGate(float[] dX, Tensor reluOutput) {
        if (reluOutput == null) {
            return;
        }
        float[] Y = f(reluOutput);
        for (int e = 0; e < dX.length; e++) {
            dX[e] = Y[e] <= 0f ? 0f : dX[e];
        }
    }

    // ---- losses -------------------------------------------------------------------------------------------------

    @Override
    public void softmaxXentForward(Tensor loss, Tensor probs, Tensor dLogits, Tensor logits, Tensor labels, int n,
            int classes) {
        OpChecks.rows("softmaxXentForward", labels, n, classes, "probs,logits", probs, logits);
        OpChecks.gradient("softmaxXentForward", dLogits, n, classes);
        OpChecks.scalar("softmaxXentForward", loss, DType.F32);
        float[] Z = f(logits); // (n, classes)
        float[] P = f(probs); // (n, classes)
        int[] Y = i(labels); // (n)
        OpChecks.labels("softmaxXentForward", Y, n, classes);
        double total = 0;
        for (int r = 0; r < n; r++) {
            int label = Y[r];
            int row = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, Z[row + j]);
            }
            // Subtracting the row maximum keeps exp() in range: the largest term is exp(0) = 1.
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(Z[row + j] - max);
            }
            for (int j = 0; j < classes; j++) {
                P[row + j] = (float) (Math.exp(Z[row + j] - max) / sum);
            }
            total += Math.log(sum) + max - Z[row + label];
        }
        f(loss)[0] = (float) (total / n);
        if (dLogits != null) {
            softmaxXentBackward(dLogits, probs, labels, n, classes);
        }
    }

    @Override
    public void softmaxXentBackward(Tensor dLogits, Tensor probs, Tensor labels, int n, int classes) {
        OpChecks.rows("softmaxXentBackward", labels, n, classes, "dLogits,probs", dLogits, probs);
        float[] dZ = f(dLogits); // (n, classes)
        float[] P = f(probs); // (n, classes)
        int[] Y = i(labels); // (n)
        OpChecks.labels("softmaxXentBackward", Y, n, classes);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < classes; j++) {
                float target = j == Y[r] ? 1f : 0f;
                dZ[r * classes + j] = (P[r * classes + j] - target) / n;
            }
        }
    }

    @Override
    public void mseForward(Tensor loss, Tensor pred, Tensor target, int count) {
        OpChecks.elementwise("mseForward", count, "pred,target", pred, target);
        OpChecks.scalar("mseForward", loss, DType.F32);
        float[] A = f(pred);
        float[] B = f(target);
        double sum = 0;
        for (int e = 0; e < count; e++) {
            double d = (double) A[e] - B[e];
            sum += d * d;
        }
        f(loss)[0] = (float) (sum / count);
    }

    @Override
    public void mseBackward(Tensor dPred, Tensor pred, Tensor target, int count) {
        OpChecks.elementwise("mseBackward", count, "dPred,pred,target", dPred, pred, target);
        float[] dA = f(dPred);
        float[] A = f(pred);
        float[] B = f(target);
        for (int e = 0; e < count; e++) {
            dA[e] = 2f * (A[e] - B[e]) / count;
        }
    }

    @Override
    public void klDivForward(Tensor loss, Tensor logQ, Tensor p, int n, int classes) {
        OpChecks.rows("klDivForward", null, n, classes, "logQ,p", logQ, p);
        OpChecks.scalar("klDivForward", loss, DType.F32);
        float[] L = f(logQ);
        float[] P = f(p);
        double sum = 0;
        for (int e = 0; e < n * classes; e++) {
            // p·log p is taken as 0 at p = 0 (PyTorch's xlogy), so zero targets contribute nothing.
            double plogp = P[e] == 0f ? 0.0 : P[e] * Math.log(P[e]);
            sum += plogp - (double) P[e] * L[e];
        }
        f(loss)[0] = (float) (sum / n);
    }

    @Override
    public void klDivBackward(Tensor dLogQ, Tensor p, int n, int classes) {
        OpChecks.rows("klDivBackward", null, n, classes, "dLogQ,p", dLogQ, p);
        float[] dL = f(dLogQ);
        float[] P = f(p);
        for (int e = 0; e < n * classes; e++) {
            dL[e] = -P[e] / n;
        }
    }

    @Override
    public void logSoftmaxForward(Tensor y, Tensor x, int n, int classes) {
        OpChecks.rows("logSoftmaxForward", null, n, classes, "y,x", y, x);
        float[] Y = f(y); // (n, classes)
        float[] X = f(x); // (n, classes)
        for (int r = 0; r < n; r++) {
            int row = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, X[row + j]);
            }
            // With the maximum subtracted the largest term is exp(0) = 1: no overflow, and the sum is at least 1.
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp((double) X[row + j] - max);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < classes; j++) {
                Y[row + j] = (float) (((double) X[row + j] - max) - logSum);
            }
        }
    }

    @Override
    public void logSoftmaxBackward(Tensor dx, Tensor dy, Tensor y, int n, int classes) {
        OpChecks.rows("logSoftmaxBackward", null, n, classes, "dx,dy,y", dx, dy, y);
        float[] dX = f(dx); // (n, classes)
        float[] dY = f(dy); // (n, classes)
        float[] Y = f(y); // (n, classes)
        for (int r = 0; r < n; r++) {
            int row = r * classes;
            double total = 0;
            for (int j = 0; j < classes; j++) {
                total += dY[row + j];
            }
            // Read every dy of the row before writing dx, so dx may be dy.
            for (int j = 0; j < classes; j++) {
                dX[row + j] = (float) (dY[row + j] - Math.exp(Y[row + j]) * total);
            }
        }
    }

    @Override
    public void reduceSum(Tensor out, Tensor x, int count, float scale) {
        OpChecks.elementwise("reduceSum", count, "x", x);
        OpChecks.scalar("reduceSum", out, DType.F32);
        float[] X = f(x); // (count)
        double sum = 0;
        for (int e = 0; e < count; e++) {
            sum += X[e];
        }
        f(out)[0] = (float) (scale * sum);
    }

    @Override
    public void sumSquares(Tensor out, Tensor x, int count) {
        OpChecks.elementwise("sumSquares", count, "x", x);
        OpChecks.scalar("sumSquares", out, DType.F32);
        float[] X = f(x); // (count)
        double sum = 0;
        for (int e = 0; e < count; e++) {
            sum += (double) X[e] * X[e];
        }
        f(out)[0] += (float) sum;
    }

    @Override
    public void clipGradNorm(Tensor x, Tensor sumSquares, int count, float maxNorm) {
        OpChecks.elementwise("clipGradNorm", count, "x", x);
        OpChecks.scalar("clipGradNorm", sumSquares, DType.F32);
        float[] X = f(x); // (count)
        // Float operations as PyTorch does them on a float32 norm; a double sqrt rounded once to float is the
        // correctly rounded float sqrt.
        float coef = maxNorm / ((float) Math.sqrt(f(sumSquares)[0]) + 1e-6f);
        float clamped = coef > 1f ? 1f : coef;
        for (int e = 0; e < count; e++) {
            X[e] = X[e] * clamped;
        }
    }

    // ---- optimiser ----------------------------------------------------------------------------------------------

    @Override
    public void sgdUpdate(Tensor param, Tensor momentumBuf, Tensor grad, int count, SgdHyper h, boolean firstStep) {
        OpChecks.sgd(param, momentumBuf, grad, count, h);
        float[] W = f(param);
        float[] G = f(grad);
        float[] M = h.hasMomentum() ? f(momentumBuf) : null;
        float keep = (float) (1.0 - h.dampening()); // PyTorch passes (1 - dampening) as a float scalar
        for (int e = 0; e < count; e++) {
            float g = G[e];
            if (h.weightDecay() != 0f) {
                g = g + h.weightDecay() * W[e];
            }
            if (M != null) {
                M[e] = firstStep ? g : h.momentum() * M[e] + keep * g;
                g = h.nesterov() ? g + h.momentum() * M[e] : M[e];
            }
            W[e] = W[e] - h.lr() * g;
        }
    }

    @Override
    public void adamUpdate(Tensor param, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, Tensor grad, int count,
            AdamHyper h) {
        OpChecks.adam(param, expAvg, expAvgSq, maxExpAvgSq, grad, count, h);
        float[] W = f(param); // (count)
        float[] M = f(expAvg); // (count)
        float[] V = f(expAvgSq); // (count)
        float[] VMAX = h.amsgrad() ? f(maxExpAvgSq) : null; // (count) or none
        float[] G = f(grad); // (count)
        float l2 = h.l2Decay();
        float decay = h.decayFactor();
        float weight = h.lerpWeight();
        float beta2 = h.beta2f();
        float value = h.oneMinusBeta2();
        float bc2Sqrt = h.biasCorrection2Sqrt();
        float eps = h.epsf();
        float negStep = h.negStepSize();
        for (int e = 0; e < count; e++) {
            float w = W[e] * decay;
            float g = G[e];
            if (l2 != 0f) {
                g = g + l2 * W[e];
            }
            float m = M[e];
            // PyTorch's lerp: self + w·(end − self) for |w| < ½, else end − (end − self)·(1 − w).
            m = Math.abs(weight) < 0.5f ? m + weight * (g - m) : g - (g - m) * (1f - weight);
            M[e] = m;
            float v = V[e] * beta2;
            v = v + value * g * g;
            V[e] = v;
            if (VMAX != null) {
                float a = VMAX[e];
                v = (a != a || a > v) ? a : v; // torch.maximum: NaN wins
                VMAX[e] = v;
            }
            float denom = (float) Math.sqrt(v) / bc2Sqrt + eps;
            W[e] = w + negStep * m / denom;
        }
    }

    // ---- metrics ------------------------------------------------------------------------------------------------

    @Override
    public void argmaxRows(Tensor idx, Tensor x, int n, int classes) {
        OpChecks.rows("argmaxRows", null, n, classes, "x", x);
        Shapes.check("argmaxRows", "idx", idx, DType.I32, n, "n = " + n);
        float[] X = f(x);
        int[] I = i(idx);
        for (int r = 0; r < n; r++) {
            I[r] = argmax(X, r * classes, classes);
        }
    }

    @Override
    public void countCorrect(Tensor count, Tensor x, Tensor labels, int n, int classes) {
        OpChecks.rows("countCorrect", labels, n, classes, "x", x);
        OpChecks.scalar("countCorrect", count, DType.I32);
        float[] X = f(x); // (n, classes)
        int[] Y = i(labels); // (n)
        OpChecks.labels("countCorrect", Y, n, classes);
        int correct = 0;
        for (int r = 0; r < n; r++) {
            if (argmax(X, r * classes, classes) == Y[r]) {
                correct++;
            }
        }
        i(count)[0] = correct;
    }

    /** First index of the row maximum; a NaN counts as the maximum (as torch.argmax). */
    private static int argmax(float[] x, int offset, int length) {
        int best = 0;
        for (int j = 1; j < length && !Float.isNaN(x[offset + best]); j++) {
            float v = x[offset + j];
            if (v > x[offset + best] || Float.isNaN(v)) {
                best = j;
            }
        }
        return best;
    }

    // ---- storage access -----------------------------------------------------------------------------------------

    private static float[] f(Tensor t) {
        CpuTensor c = own(t);
        if (c.floats == null) {
            throw new IllegalArgumentException("tensor " + t + " is not F32");
        }
        return c.floats;
    }

    private static int[] i(Tensor t) {
        CpuTensor c = own(t);
        if (c.ints == null) {
            throw new IllegalArgumentException("tensor " + t + " is not I32");
        }
        return c.ints;
    }

    private static CpuTensor own(Tensor t) {
        if (t instanceof CpuTensor c) {
            return c;
        }
        throw new IllegalArgumentException("tensor " + t + " does not belong to the CPU backend");
    }
}
