package dev.clnn.optim;

import static dev.clnn.optim.LrAssertions.assertRejected;

import java.util.List;
import java.util.function.DoubleFunction;

import org.junit.jupiter.api.Test;

class LrScheduleValidationTest {

    private static final List<DoubleFunction<LrSchedule>> EVERY_SCHEDULE_FROM_BASE_RATE = List.of(
            LrSchedule::constant,
            lr0 -> LrSchedule.step(lr0, 3, 0.5),
            lr0 -> LrSchedule.multiStep(lr0, new long[] {2, 5}, 0.1),
            lr0 -> LrSchedule.exponential(lr0, 0.9),
            lr0 -> LrSchedule.polynomial(lr0, 0.5, 1),
            lr0 -> LrSchedule.cosine(lr0, 10, 0));

    @Test
    void everyScheduleRejectsABaseRateThatIsNotFiniteAndNonNegative() {
        for (DoubleFunction<LrSchedule> make : EVERY_SCHEDULE_FROM_BASE_RATE) {
            for (double bad : new double[] {Double.NaN, -0.1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                assertRejected(() -> make.apply(bad), "base learning rate", String.valueOf(bad));
            }
        }
    }

    @Test
    void everyScheduleRejectsANegativeStep() {
        for (DoubleFunction<LrSchedule> make : EVERY_SCHEDULE_FROM_BASE_RATE) {
            LrSchedule s = make.apply(0.1);
            assertRejected(() -> s.lr(-1), "step", "-1");
            assertRejected(() -> s.withWarmup(2).lr(-1), "step", "-1");
        }
    }

    @Test
    void stepRejectsNonPositiveStepSizeAndGamma() {
        assertRejected(() -> LrSchedule.step(0.1, 0, 0.5), "step size S", "0");
        assertRejected(() -> LrSchedule.step(0.1, -3, 0.5), "step size S", "-3");
        for (double bad : new double[] {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertRejected(() -> LrSchedule.step(0.1, 3, bad), "γ", String.valueOf(bad));
        }
    }

    @Test
    void multiStepRejectsMilestonesThatAreNotStrictlyIncreasingPositiveSteps() {
        assertRejected(() -> LrSchedule.multiStep(0.1, new long[0], 0.1), "milestones", "[]");
        assertRejected(() -> LrSchedule.multiStep(0.1, null, 0.1), "milestones", "null");
        assertRejected(() -> LrSchedule.multiStep(0.1, new long[] {0, 5}, 0.1), "milestones", "[0, 5]");
        assertRejected(() -> LrSchedule.multiStep(0.1, new long[] {-2}, 0.1), "milestones", "[-2]");
        assertRejected(() -> LrSchedule.multiStep(0.1, new long[] {3, 3}, 0.1), "milestones", "[3, 3]");
        assertRejected(() -> LrSchedule.multiStep(0.1, new long[] {5, 2}, 0.1), "milestones", "[5, 2]");
    }

    @Test
    void multiStepRejectsNonPositiveGamma() {
        for (double bad : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertRejected(() -> LrSchedule.multiStep(0.1, new long[] {2}, bad), "γ", String.valueOf(bad));
        }
    }

    @Test
    void exponentialRejectsNonPositiveBeta() {
        for (double bad : new double[] {0, -0.9, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertRejected(() -> LrSchedule.exponential(0.1, bad), "β", String.valueOf(bad));
        }
    }

    @Test
    void polynomialRejectsNegativeOrNonFiniteBetaAndAlpha() {
        for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertRejected(() -> LrSchedule.polynomial(0.1, bad, 1), "β", String.valueOf(bad));
            assertRejected(() -> LrSchedule.polynomial(0.1, 1, bad), "α", String.valueOf(bad));
        }
    }

    @Test
    void cosineRejectsNonPositivePeriod() {
        assertRejected(() -> LrSchedule.cosine(0.1, 0, 0), "T_max", "0");
        assertRejected(() -> LrSchedule.cosine(0.1, -10, 0), "T_max", "-10");
    }

    @Test
    void cosineRejectsAFloorOutsideZeroToBaseRate() {
        for (double bad : new double[] {-0.001, 0.2, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertRejected(() -> LrSchedule.cosine(0.1, 10, bad), "η_min", String.valueOf(bad));
        }
    }

    @Test
    void warmupRejectsNegativeLength() {
        assertRejected(() -> LrSchedule.constant(0.1).withWarmup(-1), "warm-up steps", "-1");
    }
}
