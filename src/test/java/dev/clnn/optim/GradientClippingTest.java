package dev.clnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.PoisonedBackend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.nn.Param;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
    private static final LrSchedule LR_ONE = step -> 1.0;

    /** Gradients (3, 4) and (12): global norm sqrt(9 + 16 + 144) = 13. */
    private static List<Param> params(Backend be) {
        Param a = new Param(be, "weight", be.fromArray(new float[] {1f, 2f}, 2));
        Param b = new Param(be, "bias", be.fromArray(new float[] {5f}, 1));
        be.copy(a.grad(), be.fromArray(new float[] {3f, 4f}, 2));
        be.copy(b.grad(), be.fromArray(new float[] {12f}, 1));
        return List.of(a, b);
    }

    @Test
    void clipsEveryGradientByTheGlobalNormBeforeTheStep() {
        try (Backend cpu = PoisonedBackend.wrap(new CpuBackend())) {
            List<Param> ps = params(cpu);
            Optimizer opt = GradientClipping.factory(Sgd.factory(0f, 0f, 0f, false), 6.5f).create(cpu, ps, LR_ONE);
            opt.step();
            // PyTorch in float32: coef = 6.5 / (13 + 1e-6), just under 1/2, multiplied into each gradient.
            float coef = 6.5f / (13f + 1e-6f);
            assertEquals(0.5, coef, 1e-7);
            float[] ga = {3f * coef, 4f * coef};
            float[] gb = {12f * coef};
            assertArrayEquals(ga, cpu.readFloats(ps.get(0).grad()), "gradients are clipped in place");
            assertArrayEquals(gb, cpu.readFloats(ps.get(1).grad()));
            assertArrayEquals(new float[] {1f - ga[0], 2f - ga[1]}, cpu.readFloats(ps.get(0).value()));
            assertArrayEquals(new float[] {5f - gb[0]}, cpu.readFloats(ps.get(1).value()));
            assertEquals(1, opt.stepCount());
            opt.close();
        }
    }

    @Test
    void leavesGradientsBelowTheLimitAsTheyAre() {
        try (Backend cpu = PoisonedBackend.wrap(new CpuBackend())) {
            List<Param> ps = params(cpu);
            // 13.5 / (13 + 1e-6) > 1: the clamp multiplies by exactly 1.
            Optimizer opt = GradientClipping.factory(Sgd.factory(0f, 0f, 0f, false), 13.5f).create(cpu, ps, LR_ONE);
            opt.step();
            assertArrayEquals(new float[] {3f, 4f}, cpu.readFloats(ps.get(0).grad()));
            assertArrayEquals(new float[] {12f}, cpu.readFloats(ps.get(1).grad()));
            assertArrayEquals(new float[] {-2f, -2f}, cpu.readFloats(ps.get(0).value()));
            opt.close();
        }
    }

    @Test
    void aNormJustAtTheLimitIsStillScaledByTheEpsilon() {
        try (Backend cpu = new CpuBackend()) {
            List<Param> ps = params(cpu);
            Optimizer opt = new GradientClipping(cpu, ps, new Sgd(cpu, ps, LR_ONE, 0f, 0f, 0f, false), 13f);
            opt.step();
            float coef = 13f / (13f + 1e-6f); // < 1, as in PyTorch, where max_norm equals the norm
            assertTrue(coef < 1f);
            assertArrayEquals(new float[] {12f * coef}, cpu.readFloats(ps.get(1).grad()));
            opt.close();
        }
    }

    @Test
    void stateAndStepsAreTheWrappedOptimisers() {
        try (Backend cpu = new CpuBackend()) {
            List<Param> ps = params(cpu);
            Sgd inner = new Sgd(cpu, ps, LR_ONE, 0.9f, 0f, 0f, false);
            Optimizer opt = new GradientClipping(cpu, ps, inner, 1f);
            opt.step();
            float[][] state = opt.state();
            assertArrayEquals(inner.state()[1], state[1]);
            opt.restore(7, state);
            assertEquals(7, inner.stepCount());
            assertEquals(7, opt.stepCount());
            assertEquals(1f, opt.currentLr());
            opt.close();
        }
    }

    @Test
    void zeroMeansNoClippingAndOtherLimitsMustBePositiveAndFinite() {
        Optimizer.Factory sgd = Sgd.factory(0f, 0f, 0f, false);
        assertSame(sgd, GradientClipping.factory(sgd, 0f));
        for (float bad : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GradientClipping.factory(sgd, bad));
            assertTrue(e.getMessage().startsWith("--clip-grad-norm must be a positive finite number"), e.getMessage());
        }
    }
}
