/**
 * Profiling: {@link dev.clnn.backend.profile.ProfiledBackend} decorates any backend and counts, times and sizes each
 * op; {@link dev.clnn.backend.profile.ProfileTable} prints the result. It reads kernel times from an OpenCL backend
 * opened with a profiling queue, so it may depend on {@code dev.clnn.backend.opencl} and {@code dev.clnn.device};
 * no backend depends on it.
 */
package dev.clnn.backend.profile;
