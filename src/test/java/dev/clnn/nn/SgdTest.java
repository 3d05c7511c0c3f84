package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Sgd} against torch.optim.SGD's update rule, worked through by hand. */
class SgdTest {
    private final CpuBackend cpu = new CpuBackend();

    private Param param(float... w) {
        return new Param(cpu, "weight", cpu.fromArray(w, w.length));
    }

    /**
     * w = (1, −2), gradient (0.5, 0.25) every step, momentum 0.9, Nesterov, weight decay 0.01, lr 0.1, 0.1, 0.05
     * (MultiStepLR milestone 2, γ 0.5). Step 0 by hand for w[0]: g = 0.5 + 0.01·1 = 0.51; b = g = 0.51 (first step,
     * no dampening); Nesterov g = 0.51 + 0.9·0.51 = 0.969; w = 1 − 0.1·0.969 = 0.9031. The later values are the same
     * rule in fp32, as torch.optim.SGD(nesterov=True) prints them.
     */
    @Test
    void threeNesterovStepsWithWeightDecayReproduceTorchOptimSgd() {
        try (Param p = param(1f, -2f);
                Sgd sgd = new Sgd(cpu, List.of(p), LrSchedule.multiStep(0.1, new long[] {2}, 0.5), 0.9f, 0f, 0.01f,
                        true)) {
            float[][] expected = {{0.9031f, -2.0437f}, {0.76507413f, -2.105947f}, {0.67764205f, -2.1453772f}};
            float[] lrs = {0.1f, 0.1f, 0.05f};
            for (int t = 0; t < 3; t++) {
                assertEquals(t, sgd.stepCount());
                assertEquals(lrs[t], sgd.currentLr());
                sgd.zeroGrad();
                cpu.write(p.grad(), new float[] {0.5f, 0.25f});
                sgd.step();
                assertArrayEquals(expected[t], cpu.readFloats(p.value()), 1e-6f, "after step " + t);
            }
            assertEquals(3, sgd.stepCount());
        }
    }

    /** Dampening 0.5 skips the first step (buffer = gradient) and scales the gradient after: b = 0.9·b + 0.5·g. */
    @Test
    void dampeningAppliesFromTheSecondStepAsInPyTorch() {
        try (Param p = param(0f);
                Sgd sgd = new Sgd(cpu, List.of(p), LrSchedule.constant(1), 0.9f, 0.5f, 0f, false)) {
            cpu.write(p.grad(), new float[] {1f});
            sgd.step(); // b = 1, w = −1
            assertArrayEquals(new float[] {-1f}, cpu.readFloats(p.value()));
            sgd.step(); // b = 0.9 + 0.5 = 1.4, w = −2.4
            assertArrayEquals(new float[] {-2.4f}, cpu.readFloats(p.value()), 1e-6f);
        }
    }

    @Test
    void plainSgdNeedsNoMomentumBufferAndFollowsTheSchedule() {
        try (Param p = param(1f, 1f);
                Sgd sgd = new Sgd(cpu, List.of(p), LrSchedule.step(0.5, 1, 0.5), 0f, 0f, 0f, false)) {
            cpu.write(p.grad(), new float[] {1f, -2f});
            sgd.step(); // lr 0.5
            sgd.step(); // lr 0.25
            assertArrayEquals(new float[] {1f - 0.75f, 1f + 1.5f}, cpu.readFloats(p.value()));
            assertEquals(0.125f, sgd.currentLr());
        }
    }

    @Test
    void zeroGradClearsEveryParameterGradient() {
        try (Param a = param(1f, 2f); Param b = param(3f);
                Sgd sgd = new Sgd(cpu, List.of(a, b), LrSchedule.constant(0.1), 0f, 0f, 0f, false)) {
            cpu.write(a.grad(), new float[] {5f, 6f});
            cpu.write(b.grad(), new float[] {7f});
            sgd.zeroGrad();
            assertArrayEquals(new float[2], cpu.readFloats(a.grad()));
            assertArrayEquals(new float[1], cpu.readFloats(b.grad()));
        }
    }

    @Test
    void invalidHyperParametersAndScheduleRatesAreRejected() {
        try (Param p = param(1f)) {
            List<Param> ps = List.of(p);
            assertThrows(IllegalArgumentException.class,
                    () -> new Sgd(cpu, ps, LrSchedule.constant(0.1), -0.1f, 0f, 0f, false));
            assertThrows(IllegalArgumentException.class,
                    () -> new Sgd(cpu, ps, LrSchedule.constant(0.1), 0.9f, 0.1f, 0f, true));
            assertThrows(IllegalArgumentException.class,
                    () -> new Sgd(cpu, ps, LrSchedule.constant(0.1), 0f, 0f, -1f, false));
            Sgd nan = new Sgd(cpu, ps, step -> Double.NaN, 0f, 0f, 0f, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, nan::step);
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            Sgd huge = new Sgd(cpu, ps, step -> 1e300, 0f, 0f, 0f, false);
            assertThrows(IllegalArgumentException.class, huge::step);
            Sgd negative = new Sgd(cpu, ps, step -> -0.1, 0f, 0f, 0f, false);
            assertThrows(IllegalArgumentException.class, negative::step);
            assertArrayEquals(new float[] {1f}, cpu.readFloats(p.value()), "a rejected step changes nothing");
        }
    }
    /**
     * Three momentum steps in one optimiser equal two steps, then the momentum state moved into a new optimiser that
     * takes the third: bit for bit, as the same float operations run on the same values.
     */
    @Test
    void momentumStateMovedToANewOptimiserContinuesTheSameRun() {
        float[] grad = {0.5f, -0.25f};
        try (Param whole = param(1f, -2f); Param split = param(1f, -2f);
                Sgd one = new Sgd(cpu, List.of(whole), LrSchedule.constant(0.1), 0.9f, 0f, 0.01f, true);
                Sgd first = new Sgd(cpu, List.of(split), LrSchedule.constant(0.1), 0.9f, 0f, 0.01f, true);
                Sgd second = new Sgd(cpu, List.of(split), LrSchedule.constant(0.1), 0.9f, 0f, 0.01f, true)) {
            assertArrayEquals(new float[][] {null}, first.state(), "no buffer before the first update");
            for (int t = 0; t < 3; t++) {
                cpu.write(whole.grad(), grad);
                one.step();
            }
            cpu.write(split.grad(), grad);
            first.step();
            first.step();
            second.loadState(first.state());
            second.step();
            assertArrayEquals(cpu.readFloats(whole.value()), cpu.readFloats(split.value()));
            assertArrayEquals(one.state()[0], second.state()[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> second.loadState(new float[][] {{1f}}));
            assertTrue(e.getMessage().contains("1 values"), e.getMessage());
        }
    }
}
