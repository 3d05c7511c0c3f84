package dev.clnn.parallel;

/**
 * Which buckets every replica has handed to the all-reduce in the current step: device threads report a bucket
 * ready, the summing thread waits until all replicas have. A failed device thread reports its failure instead, which
 * ends the summing thread's wait, so a lost device cannot leave it waiting.
 */
final class BucketReadiness {
    private final int ranks;
    private final int[] ready; // [bucket]: replicas that handed it over this step
    private boolean failed;
    private boolean allSummed; // the summing thread has handed every bucket's sum to the devices

    BucketReadiness(int ranks, int buckets) {
        this.ranks = ranks;
        this.ready = new int[buckets];
    }

    /** Forgets the last step. */
    synchronized void reset() {
        java.util.Arrays.fill(ready, 0);
        failed = false;
        allSummed = false;
    }

    /** One replica's gradients of {@code bucket} are ready to be summed. */
    synchronized void ready(int bucket) {
        ready[bucket]++;
        notifyAll();
    }

    /** A device thread failed: waits end (its exception reaches the caller through the device threads). */
    synchronized void fail() {
        failed = true;
        notifyAll();
    }

    /**
     * Waits until every replica's {@code bucket} is ready.
     *
     * @throws IllegalStateException when a device thread failed, or the wait was interrupted
     */
    synchronized void await(int bucket) {
        while (ready[bucket] < ranks && !failed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the gradients of bucket " + bucket, e);
            }
        }
        if (failed) {
            throw new IllegalStateException("a device failed before bucket " + bucket + " of its gradients was ready");
        }
    }

    /** The summing thread has enqueued every bucket's sum (where the sums wait on the devices). */
    synchronized void allSummed() {
        allSummed = true;
        notifyAll();
    }

    /**
     * Waits until the summing thread has enqueued every bucket's sum.
     *
     * @return false when a device thread or the summing thread failed first (its failure is the step's)
     * @throws IllegalStateException when the wait was interrupted
     */
    synchronized boolean awaitAllSummed() {
        while (!allSummed && !failed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the sums to be enqueued", e);
            }
        }
        return allSummed;
    }
}
