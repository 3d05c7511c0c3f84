package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.CpuBackend;
import dev.clnn.backend.OpenClBackend;
import dev.clnn.backend.Tensor;
import dev.clnn.device.ClDevice;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The same training steps on the CPU reference and on OpenCL give the same losses and parameters. */
class OpenClTrainStepParityTest {
    private static final long SEED = 99L;
    /** Matmul and softmax-xent parity are 1e-5 relative (STYLE §4); two steps of a small MLP stay within that. */
    private static final double TOLERANCE = 1e-5;

    /** Runs two steps of a (max pool, flatten, linear, relu, linear) + cross-entropy model; returns losses then params. */
    private static List<float[]> train(Backend backend) {
        SplittableRandom r = new SplittableRandom(SEED);
        int n = 6;
        float[] x = new float[n * 2 * 4 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(3);
        }
        List<float[]> out = new ArrayList<>();
        try (Sequential model = new Sequential(List.of(new MaxPool2d(backend, 2, 2, 0), new Flatten(),
                new Linear(backend, 8, 17, r), new ReLU(backend), new Linear(backend, 17, 3, r)));
                SoftmaxCrossEntropy xent = new SoftmaxCrossEntropy(backend);
                Sgd sgd = new Sgd(backend, model.params(), LrSchedule.constant(0.5), 0.9f, 0f, 1e-3f, true)) {
            Tensor xt = backend.fromArray(x, n, 2, 4, 4);
            Tensor yt = backend.fromArray(labels, n);
            float[] losses = new float[2];
            for (int step = 0; step < 2; step++) {
                sgd.zeroGrad();
                Tensor loss = xent.forward(model.forward(xt), yt);
                model.backward(xent.backward());
                sgd.step();
                losses[step] = backend.readFloats(loss)[0];
            }
            out.add(losses);
            for (Param p : model.params()) {
                out.add(backend.readFloats(p.value()));
            }
            xt.close();
            yt.close();
        }
        return out;
    }

    @Test
    void twoTrainingStepsMatchTheCpuReference() {
        Assumptions.assumeTrue(ClDevice.available(), "no OpenCL device: skipping CPU/OpenCL training parity");
        List<float[]> cpu = train(new CpuBackend());
        List<float[]> cl;
        try (OpenClBackend backend = OpenClBackend.open("opencl")) {
            cl = train(backend);
        }
        assertEquals(cpu.size(), cl.size());
        String[] names = {"losses", "2.weight", "2.bias", "4.weight", "4.bias"};
        for (int t = 0; t < cpu.size(); t++) {
            float[] a = cl.get(t);
            float[] b = cpu.get(t);
            assertEquals(b.length, a.length, names[t]);
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < b.length; i++) {
                assertTrue(Float.isFinite(a[i]), names[t] + "[" + i + "] is " + a[i] + " on OpenCL");
                diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
                norm += (double) b[i] * b[i];
            }
            double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
            assertTrue(rel <= TOLERANCE, names[t] + ", seed " + SEED + ": relative difference " + rel);
            for (int i = 0; i < b.length; i++) {
                assertEquals(b[i], a[i], TOLERANCE * Math.max(Math.abs(b[i]), 1e-2), names[t] + "[" + i + "]");
            }
        }
    }
}
