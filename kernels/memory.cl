/*
 * memory.cl: copy.
 *   copy_f32(dst, src, n):  dst[i] = src[i], i < n         (OpenClBackend.copy)
 * One work-item per element. Fills are no kernel: OpenClBackend.fill enqueues clEnqueueFillBuffer, which POCL runs
 * without generating code (a fill kernel cost one code generation, ~0.1 s, in every cold first step).
 */

__kernel void copy_f32(__global float *dst, const __global float *src, const int n) {
    ELEMENT_INDEX(i, n)
    dst[i] = src[i];
}
