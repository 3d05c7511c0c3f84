/**
 * The OpenCL backend's configuration: the kernel variants and {@code -D} tunables per device
 * ({@link dev.clnn.backend.opencl.tuning.KernelTuning}), their defaults from what a device reports, and the store of
 * what {@code clnn tune} measured. Configuration only: it may read the neutral API and {@code dev.clnn.device}, never
 * the routines or the registry of {@code dev.clnn.backend.opencl}, which read it.
 */
package dev.clnn.backend.opencl.tuning;
