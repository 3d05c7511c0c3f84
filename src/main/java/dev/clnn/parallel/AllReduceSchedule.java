package dev.clnn.parallel;

/** When {@link DataParallelStep} sums the replicas' gradients; both give the same bits. */
public enum AllReduceSchedule {
    /**
     * In buckets of layers, each as soon as every replica's backward pass has written it, while the devices compute
     * the layers before it (PyTorch DDP's schedule): only the last bucket's sum waits after the backward pass.
     */
    OVERLAPPED,
    /** All at once after every replica's backward pass: kept to measure what the overlap saves. */
    AFTER_BACKWARD
}
