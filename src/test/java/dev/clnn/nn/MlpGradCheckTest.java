package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gradients of linear(5, 7), relu, linear(7, 3) + softmax cross-entropy on the float CPU model, against a
 * double-precision twin of the same network written here. The twin's own analytic gradients are first checked by
 * central differences (h = 1e-6, in double), so the float model is compared with a trusted reference.
 */
class MlpGradCheckTest {
    private static final long SEED = 20240611L;
    private static final int N = 4;
    private static final int IN = 5;
    private static final int HID = 7;
    private static final int OUT = 3;

    /** Central differences in double with h = 1e-6 leave about 1e-9 truncation and rounding error. */
    private static final double TWIN_TOLERANCE = 1e-6;
    /**
     * The float model rounds each of a few ops to fp32 (unit 6e-8), with sums accumulated in double by the CPU
     * reference; 1e-5 relative to max(|g|, 1e-2) leaves a wide margin over the ~1e-6 relative error this gives while
     * still catching any wrong index or missing term (those are O(1) relative).
     */
    private static final double FLOAT_TOLERANCE = 1e-5;

    /** The network in double: w1 (HID, IN), b1 (HID), w2 (OUT, HID), b2 (OUT), x (N, IN). */
    private static final class Twin {
        double[] w1, b1, w2, b2, x;
        int[] labels;
        double[] h = new double[N * HID];

        double loss() {
            double total = 0;
            for (int i = 0; i < N; i++) {
                double[] z = logits(i);
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (double v : z) {
                    sum += Math.exp(v - max);
                }
                total += Math.log(sum) + max - z[labels[i]];
            }
            return total / N;
        }

        private double[] logits(int i) {
            double[] z = new double[OUT];
            for (int j = 0; j < HID; j++) {
                double s = b1[j];
                for (int p = 0; p < IN; p++) {
                    s += x[i * IN + p] * w1[j * IN + p];
                }
                h[i * HID + j] = s;
            }
            for (int o = 0; o < OUT; o++) {
                double s = b2[o];
                for (int j = 0; j < HID; j++) {
                    s += Math.max(h[i * HID + j], 0) * w2[o * HID + j];
                }
                z[o] = s;
            }
            return z;
        }

        /** Analytic gradients: {dw1, db1, dw2, db2, dx}. */
        double[][] grads() {
            double[] dw1 = new double[w1.length], db1 = new double[b1.length];
            double[] dw2 = new double[w2.length], db2 = new double[b2.length], dx = new double[x.length];
            for (int i = 0; i < N; i++) {
                double[] z = logits(i);
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (double v : z) {
                    sum += Math.exp(v - max);
                }
                double[] dz = new double[OUT];
                for (int o = 0; o < OUT; o++) {
                    dz[o] = (Math.exp(z[o] - max) / sum - (o == labels[i] ? 1 : 0)) / N;
                    db2[o] += dz[o];
                }
                for (int j = 0; j < HID; j++) {
                    double a = Math.max(h[i * HID + j], 0);
                    double da = 0;
                    for (int o = 0; o < OUT; o++) {
                        dw2[o * HID + j] += dz[o] * a;
                        da += dz[o] * w2[o * HID + j];
                    }
                    double dh = h[i * HID + j] > 0 ? da : 0;
                    db1[j] += dh;
                    for (int p = 0; p < IN; p++) {
                        dw1[j * IN + p] += dh * x[i * IN + p];
                        dx[i * IN + p] += dh * w1[j * IN + p];
                    }
                }
            }
            return new double[][] {dw1, db1, dw2, db2, dx};
        }

        double[][] values() {
            return new double[][] {w1, b1, w2, b2, x};
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void mlpWithSoftmaxCrossEntropyMatchesADoublePrecisionTwin() {
        CpuBackend cpu = new CpuBackend();
        SplittableRandom r = new SplittableRandom(SEED);
        Linear l1 = new Linear(cpu, IN, HID, r);
        Linear l2 = new Linear(cpu, HID, OUT, r);
        float[] x = new float[N * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-2, 2);
        }
        int[] labels = {0, 2, 1, 2};
        try (Sequential model = new Sequential(List.of(l1, new ReLU(cpu), l2));
                SoftmaxCrossEntropy xent = new SoftmaxCrossEntropy(cpu)) {
            Tensor xt = cpu.fromArray(x, N, IN);
            Tensor loss = xent.forward(model.forward(xt), cpu.fromArray(labels, N));
            float floatLoss = cpu.readFloats(loss)[0];
            float[] dxFloat = cpu.readFloats(model.backward(xent.backward()));

            Twin twin = new Twin();
            twin.w1 = toDouble(cpu.readFloats(l1.weight().value()));
            twin.b1 = toDouble(cpu.readFloats(l1.bias().value()));
            twin.w2 = toDouble(cpu.readFloats(l2.weight().value()));
            twin.b2 = toDouble(cpu.readFloats(l2.bias().value()));
            twin.x = toDouble(x);
            twin.labels = labels;
            double reference = twin.loss();
            for (double v : twin.h) {
                assertTrue(Math.abs(v) > 1e-3, "seed " + SEED + ": a ReLU input " + v + " sits on the kink");
            }
            assertEquals(reference, floatLoss, 1e-6 * Math.max(1, reference), "loss, seed " + SEED);

            double[][] analytic = twin.grads();
            double[][] values = twin.values();
            String[] names = {"0.weight", "0.bias", "2.weight", "2.bias", "input"};
            double step = 1e-6;
            for (int t = 0; t < values.length; t++) {
                for (int e = 0; e < values[t].length; e++) {
                    double saved = values[t][e];
                    values[t][e] = saved + step;
                    double up = twin.loss();
                    values[t][e] = saved - step;
                    double down = twin.loss();
                    values[t][e] = saved;
                    double numeric = (up - down) / (2 * step);
                    double g = analytic[t][e];
                    assertTrue(Math.abs(g - numeric) / Math.max(Math.max(Math.abs(g), Math.abs(numeric)), 1)
                            <= TWIN_TOLERANCE, names[t] + "[" + e + "]: twin " + g + " vs differences " + numeric);
                }
            }

            float[][] floatGrads = {cpu.readFloats(l1.weight().grad()), cpu.readFloats(l1.bias().grad()),
                cpu.readFloats(l2.weight().grad()), cpu.readFloats(l2.bias().grad()), dxFloat};
            for (int t = 0; t < floatGrads.length; t++) {
                assertEquals(analytic[t].length, floatGrads[t].length, names[t]);
                for (int e = 0; e < floatGrads[t].length; e++) {
                    double g = analytic[t][e];
                    double err = Math.abs(floatGrads[t][e] - g) / Math.max(Math.abs(g), 1e-2);
                    assertTrue(err <= FLOAT_TOLERANCE, names[t] + "[" + e + "], seed " + SEED + ": float "
                            + floatGrads[t][e] + " vs double " + g);
                }
            }
        }
    }
}
