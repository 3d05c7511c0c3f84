package dev.clnn.bench;

import dev.clnn.backend.Errors;
import java.util.SplittableRandom;

/** Seeded inputs and the correctness gate every benchmark passes before it is timed. */
final class BenchData {
    private BenchData() {
    }

    static float[] uniform(SplittableRandom random, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) random.nextDouble(-1, 1);
        }
        return out;
    }

    /** Throws unless ‖actual − expected‖ / ‖expected‖ ≤ tolerance (NaN fails). */
    static void requireClose(String what, float[] actual, float[] expected, double tolerance) {
        double rel = Errors.relative(actual, expected);
        if (!(rel <= tolerance)) {
            throw new IllegalStateException(what + " is wrong: relative error " + rel + " > " + tolerance);
        }
    }
}
