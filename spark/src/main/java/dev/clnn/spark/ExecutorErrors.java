package dev.clnn.spark;

import org.apache.spark.SparkException;

/**
 * Brings an executor's error about the data or the options back as itself: Spark reports a failed task as a
 * {@link SparkException} whose message is the stage's story with the executor's stack trace; its cause chain holds
 * the executor's exception, whose one line is what the user needs.
 */
final class ExecutorErrors {
    private ExecutorErrors() {
    }

    /**
     * Runs {@code work}; a Spark failure caused by an {@link IllegalArgumentException} (bad data, a bad option) is
     * rethrown as that exception, any other as it came.
     */
    static void unwrap(Runnable work) {
        try {
            work.run();
        } catch (Exception e) { // Spark's Scala code throws the checked SparkException undeclared
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException bad) {
                    throw bad;
                }
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        }
    }
}
