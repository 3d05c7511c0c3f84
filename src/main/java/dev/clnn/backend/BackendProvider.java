package dev.clnn.backend;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One kind of backend as {@link Backends} sees it, found with {@link java.util.ServiceLoader} (registered under
 * {@code META-INF/services}), so that the neutral API picks a backend without depending on any: the CPU reference
 * ({@code cpu}) and the OpenCL backend ({@code opencl}) each provide one.
 */
public interface BackendProvider {
    /** The selector word of this kind: {@code cpu} or {@code opencl}. */
    String kind();

    /** Whether a device of this kind is present, which {@code auto} asks before falling back to the CPU. */
    boolean hasDevice();

    /**
     * Opens the backend {@code selector} names.
     *
     * @param selector  {@code cpu}, {@code opencl}, {@code opencl:P:D} or a device name, as the user wrote it
     * @param timed     whether each kernel launch must be timed by an event (a queue either has profiling or not),
     *                  for a profiling decorator to read
     * @param firstStep the op families the model's first step launches beyond the common ones; may be empty
     */
    Backend open(String selector, boolean timed, Set<OpFamily> firstStep);

    /**
     * The selectors of every device of this kind, for {@code --devices all}; none by default (the CPU reference is
     * not a device that {@code all} names).
     */
    default List<String> deviceSelectors() {
        return List.of();
    }

    /**
     * What went wrong while looking for devices of this kind, one line each (a runtime that could not load, a driver
     * that failed); none by default.
     */
    default List<String> discoveryProblems() {
        return List.of();
    }

    /**
     * A sum of the gradients of replicas on {@code backends} (rank order) done on their devices, where this kind
     * offers one for them; empty by default, and the replicas sum through the host.
     *
     * @param shapes the shape of each parameter's gradient, the same on every replica
     */
    default Optional<GradientSum> gradientSum(List<Backend> backends, List<int[]> shapes) {
        return Optional.empty();
    }

    /**
     * Opens the backends {@code selectors} name (two or more, in order) together, where this kind can do better
     * than opening each alone (OpenCL: one context for devices of one platform); empty by default, and
     * {@link Backends#openGroup} opens them one by one.
     */
    default Optional<List<Backend>> openTogether(List<String> selectors, boolean timed, Set<OpFamily> firstStep) {
        return Optional.empty();
    }
}
