/*
 * relu.cl: rectified linear unit, one work-item per element, x/y/dx/dy of n floats.
 *   relu_forward(y, x, n):        y[i] = x[i] <= 0 ? 0 : x[i]        (NaN passes, as PyTorch)
 *   relu_backward(dx, dy, x, n):  dx[i] = x[i] <= 0 ? 0 : dy[i]      (overwrites dx)
 * Dispatched by OpenClBackend.reluForward / reluBackward.
 */

__kernel void relu_forward(__global float *y, const __global float *x, const int n) {
    ELEMENT_INDEX(i, n)
    const float v = x[i];
    y[i] = v <= 0.0f ? 0.0f : v;
}

__kernel void relu_backward(__global float *dx, const __global float *dy, const __global float *x, const int n) {
    ELEMENT_INDEX(i, n)
    dx[i] = x[i] <= 0.0f ? 0.0f : dy[i];
}
