package dev.clnn.optim;

import static dev.clnn.optim.LrAssertions.assertRelClose;
import static dev.clnn.optim.LrAssertions.assertSchedule;

import org.junit.jupiter.api.Test;

/** Each schedule against its formula, with expected values worked out by hand at boundaries and beyond. */
class LrScheduleFormulaTest {

    // Expected values are the formula evaluated by hand; the code reaches them through Math.pow or Math.cos,
    // each within 1 ulp, and at most two more roundings of 2^-53 ≈ 1.1e-16, so 4 ulp ≈ 1e-15 relative covers it.
    private static final double TOL = 1e-15;

    @Test
    void constantIsTheBaseRateAtEveryStep() {
        LrSchedule s = LrSchedule.constant(0.1);
        for (long t : new long[] {0, 1, 7, 1_000_000_000_000L}) {
            assertRelClose(0.1, s.lr(t), 0, "constant at step " + t);
        }
    }

    @Test
    void stepDecaysByGammaAtEachMultipleOfStepSize() {
        LrSchedule s = LrSchedule.step(0.1, 3, 0.5);
        // t:            0    1    2 (S−1) 3 (S) 4     5     6      7      8      9
        assertSchedule(s, new double[] {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125}, TOL);
        assertRelClose(0.1 / 1024, s.lr(30), TOL, "step at t = 30 (10 decays)");
        assertRelClose(0.1 / 1024, s.lr(32), TOL, "step at t = 32 (still 10 decays)");
    }

    @Test
    void stepSizeOneDecaysEveryStep() {
        assertSchedule(LrSchedule.step(1.0, 1, 0.5), new double[] {1, 0.5, 0.25, 0.125}, TOL);
    }

    @Test
    void multiStepDecaysOnceAtEachMilestone() {
        LrSchedule s = LrSchedule.multiStep(1.0, new long[] {2, 5}, 0.1);
        // t:  0  1  2 (M1) 3    4    5 (M2) 6
        assertSchedule(s, new double[] {1, 1, 0.1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1}, TOL);
        assertRelClose(0.1 * 0.1, s.lr(1_000_000), TOL, "multistep long after the last milestone");
    }

    @Test
    void multiStepMilestoneAtOneDecaysFromTheSecondStep() {
        assertSchedule(LrSchedule.multiStep(0.2, new long[] {1}, 0.5), new double[] {0.2, 0.1, 0.1}, TOL);
    }

    @Test
    void multiStepKeepsItsOwnCopyOfTheMilestones() {
        long[] milestones = {2, 5};
        LrSchedule s = LrSchedule.multiStep(1.0, milestones, 0.1);
        milestones[0] = 100;
        assertRelClose(0.1, s.lr(2), TOL, "multistep after the caller changed its array");
    }

    @Test
    void exponentialMultipliesByBetaEachStep() {
        LrSchedule s = LrSchedule.exponential(0.1, 0.5);
        assertSchedule(s, new double[] {0.1, 0.05, 0.025, 0.0125, 0.00625}, TOL);
        assertRelClose(0.1 / 1024, s.lr(10), TOL, "exponential at t = 10");
    }

    @Test
    void polynomialDecaysAsInversePowerOfBetaTPlusOne() {
        // η₀ = 0.1, β = 0.5, α = 2: (0.5·t + 1)^−2 is 1, 1/2.25, 1/4, 1/6.25, 1/9, …, 1/16 at t = 6
        LrSchedule s = LrSchedule.polynomial(0.1, 0.5, 2);
        assertSchedule(s, new double[] {0.1, 0.1 / 2.25, 0.1 / 4, 0.1 / 6.25, 0.1 / 9, 0.1 / 12.25, 0.1 / 16}, TOL);
        // α = 0.5, β = 1: η₀/√(t + 1)
        LrSchedule sqrt = LrSchedule.polynomial(0.1, 1, 0.5);
        assertSchedule(sqrt, new double[] {0.1, 0.1 / Math.sqrt(2), 0.1 / Math.sqrt(3), 0.05}, TOL);
    }

    @Test
    void polynomialWithZeroBetaOrZeroAlphaIsConstant() {
        assertSchedule(LrSchedule.polynomial(0.1, 0, 3), new double[] {0.1, 0.1, 0.1}, 0);
        assertSchedule(LrSchedule.polynomial(0.1, 5, 0), new double[] {0.1, 0.1, 0.1}, 0);
    }

    @Test
    void cosineFallsFromBaseToFloorOverTMax() {
        // η₀ = 1, η_min = 0, T_max = 4: ½(1 + cos(πt/4)) = 1, ½ + √2/4, ½, ½ − √2/4, 0
        LrSchedule s = LrSchedule.cosine(1.0, 4, 0.0);
        double quarter = Math.sqrt(2) / 4;
        assertSchedule(s, new double[] {1.0, 0.5 + quarter, 0.5}, TOL);
        // ½ − √2/4 ≈ 0.146 loses two bits to cancellation, in the code and in this expected value alike.
        assertRelClose(0.5 - quarter, s.lr(3), 4 * TOL, "cosine at t = 3");
        assertRelClose(0.0, s.lr(4), 0, "cosine at t = T_max");
    }

    @Test
    void cosineWithFloorStaysBetweenFloorAndBase() {
        // η₀ = 0.5, η_min = 0.1, T_max = 2: 0.1 + 0.2·(1 + cos(πt/2)) = 0.5, 0.3, 0.1
        assertSchedule(LrSchedule.cosine(0.5, 2, 0.1), new double[] {0.5, 0.3, 0.1}, TOL);
    }

    @Test
    void cosineHoldsTheFloorAfterTMax() {
        LrSchedule s = LrSchedule.cosine(0.1, 10, 0.001);
        for (long t : new long[] {10, 11, 15, 20, 30, 1_000_000}) {
            assertRelClose(0.001, s.lr(t), 0, "cosine at step " + t);
        }
    }

    @Test
    void cosineWithFloorEqualToBaseIsConstant() {
        assertSchedule(LrSchedule.cosine(0.1, 5, 0.1), new double[] {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, 0);
    }

    @Test
    void zeroBaseRateGivesZeroEverywhere() {
        for (LrSchedule s : new LrSchedule[] {LrSchedule.constant(0), LrSchedule.step(0, 2, 0.5),
                LrSchedule.multiStep(0, new long[] {1}, 0.1), LrSchedule.exponential(0, 0.9),
                LrSchedule.polynomial(0, 1, 1), LrSchedule.cosine(0, 3, 0), LrSchedule.constant(0).withWarmup(2)}) {
            assertSchedule(s, new double[] {0, 0, 0, 0, 0}, 0);
        }
    }
}
