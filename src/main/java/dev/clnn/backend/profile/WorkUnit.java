package dev.clnn.backend.profile;

/** What an op's work is counted in, and so which rate a profile gives for it. */
public enum WorkUnit {
    /** Floating-point operations, for compute-bound ops (gemm); the rate is in GFLOP/s. */
    FLOP("GFLOP/s"),
    /** Bytes read and written, for memory-bound ops; the rate is in GB/s. */
    BYTE("GB/s");

    private final String rate;

    WorkUnit(String rate) {
        this.rate = rate;
    }

    /** The unit of the achieved rate, e.g. {@code GFLOP/s} (units per nanosecond). */
    public String rate() {
        return rate;
    }
}
