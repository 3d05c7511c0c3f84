package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class AdamUpdateParityTest {
    private static final int STEPS = 4;
    private final CpuBackend cpu = new CpuBackend();

    /** Each at step 1, then 2, … STEPS; β₁ = 0.3 takes the other branch of PyTorch's lerp. */
    private static final AdamHyper[] CONFIGS = {
        new AdamHyper(1e-3, 0.9, 0.999, 1e-8, 0, false, false, 1),
        new AdamHyper(1e-3, 0.9, 0.999, 1e-8, 1e-2, false, false, 1),
        new AdamHyper(1e-2, 0.9, 0.999, 1e-8, 1e-2, true, false, 1),
        new AdamHyper(1e-2, 0.9, 0.99, 1e-6, 0, false, true, 1),
        new AdamHyper(5e-3, 0.8, 0.999, 1e-8, 5e-2, true, true, 1),
        new AdamHyper(1e-2, 0.3, 0.9, 1e-3, 1e-3, false, true, 1),
    };

    @Test
    void severalStepsOfEveryConfigurationAreBitIdentical() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : Sizes.ELEMENTS) {
            for (int c = 0; c < CONFIGS.length; c++) {
                long seed = count * 31L + c;
                SplittableRandom random = new SplittableRandom(seed);
                float[] w = SeededData.uniform(random, count, -1, 1);
                // Moments from some earlier steps, the same on both backends: an element the kernel skipped
                // would keep its start value and differ from the reference's.
                float[][] moments = {SeededData.uniform(random, count, -1, 1), SeededData.uniform(random, count, 0, 1),
                        SeededData.uniform(random, count, 0, 1)};
                float[][] grads = new float[STEPS][];
                for (int s = 0; s < STEPS; s++) {
                    grads[s] = SeededData.uniform(random, count, -1, 1);
                }
                float[][] expected = run(cpu, w, moments, grads, CONFIGS[c]);
                float[][] actual = run(cl, w, moments, grads, CONFIGS[c]);
                String what = CONFIGS[c] + " to step " + STEPS + " n=" + count + " seed=" + seed;
                TestArrays.assertIdentical("adamUpdate param " + what, actual[0], expected[0]);
                TestArrays.assertIdentical("adamUpdate exp_avg " + what, actual[1], expected[1]);
                TestArrays.assertIdentical("adamUpdate exp_avg_sq " + what, actual[2], expected[2]);
                if (CONFIGS[c].amsgrad()) {
                    TestArrays.assertIdentical("adamUpdate max_exp_avg_sq " + what, actual[3], expected[3]);
                } else {
                    for (float x : actual[3]) {
                        assertTrue(Float.isNaN(x), "adamUpdate wrote vmax without amsgrad: " + what);
                    }
                }
            }
        }
    }

    private static AdamHyper atStep(AdamHyper h, long step) {
        return new AdamHyper(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), h.decoupled(), h.amsgrad(), step);
    }

    private static float[][] run(Backend be, float[] w0, float[][] moments, float[][] grads,
            AdamHyper config) {
        int n = w0.length;
        // Without amsgrad vmax is poisoned and not passed: it must come back as NaN, untouched.
        try (Tensor w = be.fromArray(w0, n); Tensor m = be.fromArray(moments[0], n);
                Tensor v = be.fromArray(moments[1], n); Tensor vmax = config.amsgrad()
                        ? be.fromArray(moments[2], n) : SeededData.poisoned(be, n);
                Tensor g = be.empty(DType.F32, n)) {
            for (int step = 0; step < grads.length; step++) {
                be.write(g, grads[step]);
                AdamHyper h = atStep(config, step + 1);
                be.adamUpdate(w, m, v, h.amsgrad() ? vmax : null, g, n, h);
            }
            return new float[][] {be.readFloats(w), be.readFloats(m), be.readFloats(v), be.readFloats(vmax)};
        }
    }
}
