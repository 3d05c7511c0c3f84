package dev.clnn.device;

/**
 * The device time of one kernel launched on behalf of one op, summed over its launches, from OpenCL profiling
 * events (END − START of each launch).
 *
 * @param op     the op-level name the launches were made under, e.g. {@code gemm}
 * @param kernel the kernel's name, e.g. {@code gemm_blocked}
 * @param calls  launches
 * @param nanos  summed execution time in nanoseconds
 */
public record KernelTime(String op, String kernel, long calls, long nanos) {
}
