package dev.clnn.backend;

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
}
