package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class SgdUpdateParityTest {
    private final CpuBackend cpu = new CpuBackend();

    private static final SgdHyper[] CONFIGS = {
        SgdHyper.plain(0.05f),
        new SgdHyper(0.05f, 0f, 0f, 1e-3f, false),
        new SgdHyper(0.05f, 0.9f, 0f, 0f, false),
        new SgdHyper(0.05f, 0.9f, 0f, 5e-4f, true),
        new SgdHyper(0.01f, 0.5f, 0.3f, 1e-2f, false),
    };

    @Test
    void threeStepsOfEveryConfigurationAreBitIdentical() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : Sizes.ELEMENTS) {
            for (SgdHyper h : CONFIGS) {
                long seed = count * 31L + h.hashCode();
                SplittableRandom random = new SplittableRandom(seed);
                float[] w = SeededData.uniform(random, count, -1, 1);
                float[][] grads = {SeededData.uniform(random, count, -1, 1), SeededData.uniform(random, count, -1, 1),
                        SeededData.uniform(random, count, -1, 1)};
                float[][] expected = run(cpu, w, grads, h);
                float[][] actual = run(cl, w, grads, h);
                String what = h + " n=" + count + " seed=" + seed;
                TestArrays.assertIdentical("sgdUpdate param " + what, actual[0], expected[0]);
                if (h.hasMomentum()) {
                    TestArrays.assertIdentical("sgdUpdate momentum " + what, actual[1], expected[1]);
                }
            }
        }
    }

    private static float[][] run(Backend be, float[] w0, float[][] grads, SgdHyper h) {
        int n = w0.length;
        // The momentum buffer starts poisoned: the first step must overwrite it without reading it.
        try (Tensor w = be.fromArray(w0, n); Tensor buf = SeededData.poisoned(be, n); Tensor g = be.empty(DType.F32,
                n)) {
            for (int step = 0; step < grads.length; step++) {
                be.write(g, grads[step]);
                be.sgdUpdate(w, h.hasMomentum() ? buf : null, g, n, h, step == 0);
            }
            return new float[][] {be.readFloats(w), be.readFloats(buf)};
        }
    }
}
