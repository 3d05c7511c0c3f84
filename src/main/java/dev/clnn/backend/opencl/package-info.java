/**
 * The OpenCL backend: {@link dev.clnn.backend.opencl.OpenClBackend}, the kernel registry
 * ({@link dev.clnn.backend.opencl.Kernels}) and launcher, one routine per op family, the programs built at start-up
 * and the device-side gradient sum of the data-parallel step. Depends on the neutral API, on {@code dev.clnn.device}
 * (the OpenCL runtime) and on its configuration in {@code tuning}, which never depends on it.
 */
package dev.clnn.backend.opencl;
