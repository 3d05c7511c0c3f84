package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each layer's forward and backward on the CPU reference against values worked out by hand or by loops here. */
class LayerKnownAnswerTest {
    private final CpuBackend cpu = new CpuBackend();

    private Tensor t(float[] data, int... shape) {
        return cpu.fromArray(data, shape);
    }

    private Linear knownLinear() {
        Linear lin = new Linear(cpu, 3, 2, new SplittableRandom(1));
        cpu.write(lin.weight().value(), new float[] {1, 0, -1, 2, 1, 0}); // (out 2, in 3)
        cpu.write(lin.bias().value(), new float[] {0.5f, -1f});
        return lin;
    }

    @Test
    void linearForwardIsXTimesWeightTransposedPlusBias() {
        try (Linear lin = knownLinear()) {
            Tensor y = lin.forward(t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            // row 0: (1 - 3 + 0.5, 2 + 2 - 1); row 1: (4 - 6 + 0.5, 8 + 5 - 1)
            assertArrayEquals(new float[] {-1.5f, 3f, -1.5f, 12f}, cpu.readFloats(y));
            assertArrayEquals(new int[] {2, 2}, y.shape());
        }
    }

    @Test
    void linearBackwardAccumulatesParameterGradientsAndOverwritesDx() {
        try (Linear lin = knownLinear()) {
            Tensor x = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor dy = t(new float[] {1, 0, 0, 2}, 2, 2);
            lin.forward(x);
            Tensor dx = lin.backward(dy);
            // dW = dyᵀ·x: row 0 = 1·x0, row 1 = 2·x1; db = column sums of dy; dx = dy·W
            assertArrayEquals(new float[] {1, 2, 3, 8, 10, 12}, cpu.readFloats(lin.weight().grad()));
            assertArrayEquals(new float[] {1, 2}, cpu.readFloats(lin.bias().grad()));
            assertArrayEquals(new float[] {1, 0, -1, 4, 2, 0}, cpu.readFloats(dx));
            lin.forward(x);
            Tensor dx2 = lin.backward(dy);
            assertArrayEquals(new float[] {2, 4, 6, 16, 20, 24}, cpu.readFloats(lin.weight().grad()));
            assertArrayEquals(new float[] {2, 4}, cpu.readFloats(lin.bias().grad()));
            assertArrayEquals(new float[] {1, 0, -1, 4, 2, 0}, cpu.readFloats(dx2));
        }
    }

    @Test
    void linearInitialisesUniformlyWithinOneOverRootInLikePyTorch() {
        try (Linear a = new Linear(cpu, 16, 8, new SplittableRandom(7));
                Linear b = new Linear(cpu, 16, 8, new SplittableRandom(7))) {
            float[] w = cpu.readFloats(a.weight().value());
            float[] bias = cpu.readFloats(a.bias().value());
            assertArrayEquals(new int[] {8, 16}, a.weight().shape());
            assertArrayEquals(new int[] {8}, a.bias().shape());
            double bound = 0.25;
            double maxAbs = 0;
            for (float v : w) {
                assertTrue(Math.abs(v) <= bound, "weight " + v + " outside ±" + bound);
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            for (float v : bias) {
                assertTrue(Math.abs(v) <= bound, "bias " + v + " outside ±" + bound);
            }
            assertTrue(maxAbs > 0.2, "128 draws should come near the bound, max was " + maxAbs);
            assertArrayEquals(w, cpu.readFloats(b.weight().value()), "same seed, same weights");
            assertArrayEquals(new float[128], cpu.readFloats(a.weight().grad()), "gradients start at zero");
        }
    }

    @Test
    void linearReusesItsOutputForTheSameBatchShapeAndReallocatesForAnother() {
        try (Linear lin = knownLinear()) {
            Tensor y1 = lin.forward(t(new float[6], 2, 3));
            Tensor y2 = lin.forward(t(new float[6], 2, 3));
            Tensor y3 = lin.forward(t(new float[9], 3, 3));
            assertSame(y1, y2);
            assertNotSame(y2, y3);
            assertArrayEquals(new int[] {3, 2}, y3.shape());
        }
    }

    @Test
    void linearRejectsAnImageInputNamingItselfAndBothShapes() {
        try (Linear lin = new Linear(cpu, 784, 512, new SplittableRandom(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lin.outputShape(new int[] {64, 1, 28, 28}));
            assertEquals("linear(784, 512) expects input [N, 784] but got [64, 1, 28, 28]", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> lin.forward(cpu.fromArray(new float[10], 2, 5)));
        }
    }

    @Test
    void reluPassesPositivesAndGatesTheGradient() {
        try (ReLU relu = new ReLU(cpu)) {
            Tensor y = relu.forward(t(new float[] {-1, 2, 0, 3.5f, -0.25f, 7}, 2, 3));
            assertArrayEquals(new float[] {0, 2, 0, 3.5f, 0, 7}, cpu.readFloats(y));
            Tensor dx = relu.backward(t(new float[] {10, 20, 30, 40, 50, 60}, 2, 3));
            assertArrayEquals(new float[] {0, 20, 0, 40, 0, 60}, cpu.readFloats(dx));
            assertArrayEquals(new int[] {2, 3}, dx.shape());
            assertTrue(relu.params().isEmpty());
        }
    }

    private static final float[] PLANE = { // (1, 1, 4, 4)
        1, 5, 2, 0,
        3, 4, 8, 7,
        9, 0, 1, 1,
        2, 6, 3, 12};

    @Test
    void maxPoolTakesWindowMaximaAndRoutesGradientToArgmax() {
        try (MaxPool2d pool = new MaxPool2d(cpu, 2, 2, 0)) {
            Tensor y = pool.forward(t(PLANE, 1, 1, 4, 4));
            assertArrayEquals(new float[] {5, 8, 9, 12}, cpu.readFloats(y));
            assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
            Tensor dx = pool.backward(t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
            float[] expected = new float[16];
            expected[1] = 1; // 5 at (0, 1)
            expected[6] = 2; // 8 at (1, 2)
            expected[8] = 3; // 9 at (2, 0)
            expected[15] = 4; // 12 at (3, 3)
            assertArrayEquals(expected, cpu.readFloats(dx));
        }
    }

    @Test
    void avgPoolAveragesWindows() {
        try (AvgPool2d pool = new AvgPool2d(cpu, 2, 2, 0)) {
            Tensor y = pool.forward(t(PLANE, 1, 1, 4, 4));
            assertArrayEquals(new float[] {13 / 4f, 17 / 4f, 17 / 4f, 17 / 4f}, cpu.readFloats(y));
            Tensor dx = pool.backward(t(new float[] {4, 8, 12, 16}, 1, 1, 2, 2));
            float[] d = cpu.readFloats(dx);
            assertEquals(1f, d[0]);
            assertEquals(2f, d[3]);
            assertEquals(3f, d[12]);
            assertEquals(4f, d[15]);
        }
    }

    /** Overlapping padded windows on (2, 3, 5, 5), checked against loops written here. */
    @Test
    void paddedOverlappingPoolsMatchLoopsIncludingPaddingInTheAverage() {
        int n = 2, c = 3, h = 5, w = 5, k = 3, s = 2, pad = 1;
        int oh = (h + 2 * pad - k) / s + 1;
        int ow = (w + 2 * pad - k) / s + 1;
        SplittableRandom r = new SplittableRandom(42);
        float[] x = SeededData.uniform(r, n * c * h * w);
        float[] dy = SeededData.uniform(r, n * c * oh * ow);
        double[] maxY = new double[dy.length];
        double[] avgY = new double[dy.length];
        double[] maxDx = new double[x.length];
        double[] avgDx = new double[x.length];
        for (int pl = 0; pl < n * c; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int o = (pl * oh + i) * ow + j;
                    double best = Double.NEGATIVE_INFINITY;
                    int arg = -1;
                    double sum = 0;
                    for (int a = 0; a < k; a++) {
                        for (int b = 0; b < k; b++) {
                            int hh = i * s - pad + a;
                            int ww = j * s - pad + b;
                            if (hh < 0 || ww < 0 || hh >= h || ww >= w) {
                                continue;
                            }
                            int idx = pl * h * w + hh * w + ww;
                            sum += x[idx];
                            avgDx[idx] += dy[o] / (double) (k * k);
                            if (x[idx] > best) {
                                best = x[idx];
                                arg = idx;
                            }
                        }
                    }
                    maxY[o] = best;
                    avgY[o] = sum / (k * k);
                    maxDx[arg] += dy[o];
                }
            }
        }
        try (MaxPool2d max = new MaxPool2d(cpu, k, s, pad); AvgPool2d avg = new AvgPool2d(cpu, k, s, pad)) {
            Tensor xt = t(x, n, c, h, w);
            Tensor dyt = t(dy, n, c, oh, ow);
            assertArrayEquals(new int[] {n, c, oh, ow}, max.outputShape(new int[] {n, c, h, w}));
            assertClose(maxY, cpu.readFloats(max.forward(xt)), 0);
            assertClose(maxDx, cpu.readFloats(max.backward(dyt)), 1e-6);
            assertClose(avgY, cpu.readFloats(avg.forward(xt)), 1e-6);
            assertClose(avgDx, cpu.readFloats(avg.backward(dyt)), 1e-6);
        }
    }

    @Test
    void poolsRejectNonImageInputNamingTheLayerAndShape() {
        try (MaxPool2d pool = new MaxPool2d(cpu, 2, 2, 0)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pool.outputShape(new int[] {64, 784}));
            assertTrue(e.getMessage().contains("maxpool2d") && e.getMessage().contains("[N, C, H, W]")
                    && e.getMessage().contains("[64, 784]"), e.getMessage());
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> pool.outputShape(new int[] {1, 1, 1, 1}));
            assertTrue(small.getMessage().contains("[1, 1, 1, 1]"), small.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(cpu, 2, 2, 2));
    }

    @Test
    void flattenViewsAndViewsBack() {
        try (Flatten flat = new Flatten()) {
            Tensor x = t(PLANE, 2, 2, 2, 2);
            Tensor y = flat.forward(x);
            assertArrayEquals(new int[] {2, 8}, y.shape());
            assertArrayEquals(PLANE, cpu.readFloats(y));
            Tensor dx = flat.backward(t(PLANE, 2, 8));
            assertArrayEquals(new int[] {2, 2, 2, 2}, dx.shape());
            assertArrayEquals(PLANE, cpu.readFloats(dx));
            assertArrayEquals(new int[] {64, 784}, flat.outputShape(new int[] {64, 1, 28, 28}));
        }
    }

    @Test
    void backwardRejectsAGradientOfTheWrongShape() {
        try (ReLU relu = new ReLU(cpu)) {
            relu.forward(t(new float[6], 2, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> relu.backward(t(new float[6], 3, 2)));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        }
    }

    static void assertClose(double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }
}
