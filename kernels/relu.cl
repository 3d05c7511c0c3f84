/*
 * relu.cl: rectified linear unit, x/y/dx/dy of n floats.
 *   relu_forward(y, x, n):        y[i] = x[i] <= 0 ? 0 : x[i]        (NaN passes, as PyTorch)
 *       work-item g handles the RELU_RUN consecutive elements from g*RELU_RUN (fewer for the last), 1-D range
 *       ceil(n/RELU_RUN): on a CPU a work-item streaming a run of 16 is about twice as fast under POCL as one element
 *       per work-item; GPUs take runs of 1, which keep loads coalesced.
 *   relu_backward(dx, dy, x, n):  dx[i] = x[i] <= 0 ? 0 : dy[i]      (overwrites dx); one work-item per element
 *       (runs made POCL's backward several times slower, measured with `clnn bench train --model cnn --profile`).
 * Dispatched by OpenClBackend.reluForward / reluBackward.
 */

#ifndef RELU_RUN
#define RELU_RUN 1 /* elements per work-item of relu_forward: KernelTuning.reluRun */
#endif

__kernel void relu_forward(__global float *y, const __global float *x, const int n) {
    const int start = (int) get_global_id(0) * RELU_RUN;
    const int end = min(start + RELU_RUN, n);
    for (int i = start; i < end; i++) {
        const float v = x[i];
        y[i] = v <= 0.0f ? 0.0f : v;
    }
}

__kernel void relu_backward(__global float *dx, const __global float *dy, const __global float *x, const int n) {
    ELEMENT_INDEX(i, n)
    dx[i] = x[i] <= 0.0f ? 0.0f : dy[i];
}
