package dev.clnn.optim;

import static dev.clnn.optim.LrAssertions.assertRelClose;
import static dev.clnn.optim.LrAssertions.assertSchedule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class WarmupLrTest {

    // The warm-up is lr(0)·(t + 1)/W: one multiply and one divide, each rounding by at most 2^-53 ≈ 1.1e-16,
    // plus whatever the inner schedule's own formula costs (≤ 4 ulp, see LrScheduleFormulaTest).
    private static final double TOL = 1e-15;

    @Test
    void warmupRisesLinearlyToTheInnerStartingRate() {
        LrSchedule s = LrSchedule.constant(0.2).withWarmup(4);
        // t:  0      1     2      3 (W−1)  4 (W)  5
        assertSchedule(s, new double[] {0.05, 0.1, 0.15, 0.2, 0.2, 0.2}, TOL);
    }

    @Test
    void innerScheduleStartsItsOwnStepZeroWhenWarmupEnds() {
        // step(η₀ = 0.1, S = 2, γ = 0.5) behind W = 3: the inner decay happens at t = W + S = 5, not at t = 2.
        LrSchedule s = LrSchedule.step(0.1, 2, 0.5).withWarmup(3);
        assertSchedule(s, new double[] {0.1 / 3, 0.2 / 3, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025}, TOL);
    }

    @Test
    void cosineBehindWarmupReachesTheFloorAtWarmupPlusTMax() {
        LrSchedule s = LrSchedule.cosine(0.1, 10, 0.001).withWarmup(5);
        assertRelClose(0.1, s.lr(5), TOL, "first step after warm-up");
        assertRelClose(0.001, s.lr(15), 0, "step W + T_max");
        assertRelClose(0.001, s.lr(100), 0, "long after W + T_max");
    }

    @Test
    void singleStepWarmupOnlyDelaysTheInnerSchedule() {
        // W = 1: step 0 runs at lr(0)·1/1, then the inner schedule starts one step late.
        LrSchedule s = LrSchedule.exponential(1.0, 0.5).withWarmup(1);
        assertSchedule(s, new double[] {1, 1, 0.5, 0.25}, TOL);
    }

    @Test
    void zeroWarmupReturnsTheSameSchedule() {
        LrSchedule inner = LrSchedule.exponential(0.1, 0.9);
        assertSame(inner, inner.withWarmup(0));
    }

    @Test
    void descriptionNamesWarmupAndInnerSchedule() {
        assertEquals("warmup(steps=5) then cosine(lr0=0.1, tMax=10, etaMin=0.001)",
                LrSchedule.cosine(0.1, 10, 0.001).withWarmup(5).toString());
    }
}
