/*
 * memory.cl: fill and copy.
 *   fill_f32(x, value, n):  x[i] = value, i < n            (OpenClBackend.fill(Tensor, float))
 *   fill_i32(x, value, n):  x[i] = value, i < n            (OpenClBackend.fill(Tensor, int))
 *   copy_f32(dst, src, n):  dst[i] = src[i], i < n         (OpenClBackend.copy)
 * One work-item per element.
 */

__kernel void fill_f32(__global float *x, const float value, const int n) {
    ELEMENT_INDEX(i, n)
    x[i] = value;
}

__kernel void fill_i32(__global int *x, const int value, const int n) {
    ELEMENT_INDEX(i, n)
    x[i] = value;
}

__kernel void copy_f32(__global float *dst, const __global float *src, const int n) {
    ELEMENT_INDEX(i, n)
    dst[i] = src[i];
}
