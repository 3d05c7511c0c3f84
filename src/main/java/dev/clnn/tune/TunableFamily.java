package dev.clnn.tune;

import java.util.List;

/**
 * One family of kernels the {@link Tuner} can tune on a device, in the manner of CLBlast's per-kernel tuners: its
 * classes of shape, the configurations to try, and how to check and run one. The tuner owns the search (what to
 * try in which order, the budget, warm-up and medians); a family only knows its kernels. Adding a family (a GPU
 * GEMM, a convolution) means one more implementation, and its results go to the same store under its own name.
 *
 * @param <C> the family's configuration, whose {@link #text} form is what the store keeps
 */
public interface TunableFamily<C> extends AutoCloseable {
    /** The prefix of the family's store entries, e.g. {@code gemm} for {@code gemm.large}. */
    String name();

    /** A line for the progress output: what is searched, e.g. the vector width and the size of the space. */
    String describe();

    /** The classes of shape a configuration is chosen for, e.g. {@code small}, {@code large}; never empty. */
    List<String> classes();

    /** What the device runs for {@code shapeClass} without tuning: the baseline every candidate is compared with. */
    C defaultFor(String shapeClass);

    /** The first pass: a coarse sweep of the space, most promising first (a small budget may end it early). */
    List<C> coarse();

    /**
     * One representative configuration per part of the space (gemm_blocked: the default shape of each vector width),
     * measured after the defaults: the tuner then runs the coarse pass part by part, best measured first, and leaves
     * out the parts far behind ({@link #part}). Empty, the default, for a family whose space has no such parts.
     */
    default List<C> probes() {
        return List.of();
    }

    /** The part of the space {@code config} belongs to, e.g. {@code vw8}; one part for all by default. */
    default String part(C config) {
        return "";
    }

    /** The second pass around a configuration that did well in the first (e.g. its other work-group sizes). */
    List<C> refinements(C good);

    /**
     * The configuration's text form, as stored and shown, e.g. {@code vw16 rm12 wn2 g8}: its {@code toString}, which
     * the GEMM configurations write in the form their {@code parse} reads; a family whose configurations print
     * otherwise says how.
     */
    default String text(C config) {
        return config.toString();
    }

    /**
     * Runs {@code config} on awkward shapes and compares with the CPU reference: the largest relative error seen
     * (NaN when a result was not finite). Building the configuration's kernels happens here, too.
     *
     * @throws RuntimeException when the configuration cannot be built or run at all
     */
    double check(C config);

    /**
     * What building and checking one configuration is taken to cost before one has been seen, in seconds: the tuner
     * starts a configuration only where its estimate fits the budget. Pessimistic by default (a GEMM build on POCL).
     */
    default double firstPrepareSeconds() {
        return Tuner.FIRST_PREPARE_SECONDS;
    }

    /** What measuring one configuration is taken to cost before one has been measured, in seconds. */
    default double firstMeasureSeconds() {
        return Tuner.FIRST_MEASURE_SECONDS;
    }

    /** The largest relative error {@link #check} may return for a configuration to count as correct. */
    double tolerance();

    /** Floating-point operations of one round of {@code shapeClass}'s workload. */
    double flops(String shapeClass);

    /** Runs one round of {@code shapeClass}'s workload with {@code config} and waits for the device. */
    void runRound(C config, String shapeClass);

    /** Frees the workloads' device memory. */
    @Override
    void close();
}
