package dev.clnn.device;

/**
 * Runs every step of a teardown even when one fails, so one failed release cannot leak what comes after it. The
 * first failure is rethrown at the end with the later ones attached as suppressed.
 */
final class Releaser {
    private RuntimeException failure;

    /** Runs {@code step}, remembering a failure instead of stopping. */
    void run(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
    }

    /** Rethrows the first failure, if any step failed. */
    void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }
}
