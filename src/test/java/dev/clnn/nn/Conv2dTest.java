package dev.clnn.nn;

import static dev.clnn.check.SeededData.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Conv2d on the CPU reference: a hand-computed case, shape errors, and finite differences in double. */
class Conv2dTest {
    private static final double H = 1e-6;

    private final CpuBackend cpu = new CpuBackend();

    @Test
    void diagonalKernelSumsDiagonalPairsPlusBias() {
        try (Conv2d conv = new Conv2d(cpu, 1, 1, 2, 1, 0, new SplittableRandom(1))) {
            cpu.write(conv.weight().value(), new float[] {1, 0, 0, 1});
            cpu.write(conv.bias().value(), new float[] {0.5f});
            Tensor y = conv.forward(cpu.fromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
            assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
            assertArrayEquals(new float[] {6.5f, 8.5f, 12.5f, 14.5f}, cpu.readFloats(y));
            Tensor dx = conv.backward(cpu.fromArray(new float[] {1, 1, 1, 1}, 1, 1, 2, 2));
            assertArrayEquals(new float[] {1, 1, 0, 1, 2, 1, 0, 1, 1}, cpu.readFloats(dx));
            assertArrayEquals(new float[] {1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9},
                    cpu.readFloats(conv.weight().grad()));
            assertArrayEquals(new float[] {4}, cpu.readFloats(conv.bias().grad()));
        }
    }

    @Test
    void wrongInputShapesAreRejectedNamingBoth() {
        try (Conv2d conv = new Conv2d(cpu, 3, 4, 5, 1, 0, new SplittableRandom(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> conv.outputShape(new int[] {2, 1, 28, 28}));
            assertTrue(e.getMessage().contains("[N, 3, H, W]") && e.getMessage().contains("[2, 1, 28, 28]"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> conv.outputShape(new int[] {2, 3, 4, 4}));
            assertThrows(IllegalArgumentException.class, () -> conv.outputShape(new int[] {2, 3 * 28 * 28}));
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesWithStrideAndPadding() {
        int[][] cases = {{2, 3, 6, 5, 4, 3, 1, 1}, {1, 2, 7, 7, 3, 3, 2, 2}, {2, 1, 5, 6, 2, 1, 2, 0}};
        for (int[] c : cases) {
            int n = c[0];
            int cin = c[1];
            int h = c[2];
            int w = c[3];
            int cout = c[4];
            int k = c[5];
            int stride = c[6];
            int pad = c[7];
            SplittableRandom random = new SplittableRandom(java.util.Arrays.hashCode(c));
            try (Conv2d conv = new Conv2d(cpu, cin, cout, k, stride, pad, random)) {
                float[] x = uniform(random, n * cin * h * w);
                float[] wgt = cpu.readFloats(conv.weight().value());
                float[] b = cpu.readFloats(conv.bias().value());
                Tensor y = conv.forward(cpu.fromArray(x, n, cin, h, w));
                float[] r = uniform(random, y.size());
                int[] yShape = y.shape();
                conv.backward(cpu.fromArray(r, yShape));
                float[] dx = cpu.readFloats(conv.backward(cpu.fromArray(r, yShape)));
                float[] dW = cpu.readFloats(conv.weight().grad()); // accumulated twice
                float[] db = cpu.readFloats(conv.bias().grad());
                Twin twin = new Twin(n, cin, h, w, cout, k, stride, pad);
                check("dx " + java.util.Arrays.toString(c), x, dx, 1, v -> twin.loss(v, d(wgt), d(b), r));
                check("dW", wgt, dW, 2, v -> twin.loss(d(x), v, d(b), r));
                check("db", b, db, 2, v -> twin.loss(d(x), d(wgt), v, r));
            }
        }
    }

    /** The convolution in double: L = Σ conv(x; W, b) ⊙ r. */
    private record Twin(int n, int cin, int h, int w, int cout, int k, int stride, int pad) {
        double loss(double[] x, double[] wgt, double[] b, float[] r) {
            int oh = (h + 2 * pad - k) / stride + 1;
            int ow = (w + 2 * pad - k) / stride + 1;
            double total = 0;
            for (int ni = 0; ni < n; ni++) {
                for (int co = 0; co < cout; co++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            double s = b[co];
                            for (int ci = 0; ci < cin; ci++) {
                                for (int dh = 0; dh < k; dh++) {
                                    for (int dw = 0; dw < k; dw++) {
                                        int hh = i * stride - pad + dh;
                                        int ww = j * stride - pad + dw;
                                        if (hh >= 0 && hh < h && ww >= 0 && ww < w) {
                                            s += wgt[((co * cin + ci) * k + dh) * k + dw]
                                                    * x[((ni * cin + ci) * h + hh) * w + ww];
                                        }
                                    }
                                }
                            }
                            total += s * r[((ni * cout + co) * oh + i) * ow + j];
                        }
                    }
                }
            }
            return total;
        }
    }

    private interface Loss {
        double at(double[] point);
    }

    private static void check(String what, float[] point, float[] analytic, int times, Loss loss) {
        double[] p = d(point);
        for (int i = 0; i < p.length; i++) {
            double saved = p[i];
            p[i] = saved + H;
            double up = loss.at(p);
            p[i] = saved - H;
            double down = loss.at(p);
            p[i] = saved;
            double numeric = times * (up - down) / (2 * H);
            double err = Math.abs(numeric - analytic[i]) / Math.max(1, Math.max(Math.abs(numeric),
                    Math.abs(analytic[i])));
            if (!(err <= Tolerances.GRAD_CHECK)) {
                fail(what + " element " + i + ": analytic " + analytic[i] + ", numeric " + numeric);
            }
        }
    }

    private static double[] d(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
