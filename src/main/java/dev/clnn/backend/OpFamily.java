package dev.clnn.backend;

/**
 * Families of ops a model launches in its first training step beyond those every classifier's step launches (the
 * products, bias, the loss and the optimiser): a hint a backend may use to prepare them while it opens, for instance
 * an OpenCL backend building their programs in its first background build instead of one by one at first use. A
 * family missing from the hint costs start-up time only.
 */
public enum OpFamily {
    /** A ReLU of its own (one fused into a neighbouring op launches nothing of its own). */
    RELU,
    /** Convolution, by either algorithm, forward and backward. */
    CONV,
    /** Max pooling, forward and backward. */
    MAX_POOL,
    /** Average pooling, forward and backward. */
    AVG_POOL,
    /** Dropout, forward and backward. */
    DROPOUT,
    /** Batch normalisation, forward (training and evaluation) and backward. */
    BATCH_NORM
}
