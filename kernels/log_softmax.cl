/*
 * log_softmax.cl: row-wise log-softmax over x (n, classes), row-major, and its gradient.
 *   log_softmax_forward(y, x, n, classes):        y[r, j] = (x[r, j] - max_r) - log(sum_k exp(x[r, k] - max_r));
 *       the row maximum is subtracted so exp() never overflows and the largest term is exactly 1.
 *   log_softmax_backward(dx, dy, y, n, classes):  dx[r, j] = dy[r, j] - exp(y[r, j]) * sum_k dy[r, k]
 *       (exp(y) is the softmax the forward pass saw); overwrites dx.
 * One work-group of LOG_SOFTMAX_LOCAL work-items per row (1-D range n * LOG_SOFTMAX_LOCAL): work-item lid takes the
 * row's columns lid, lid + LOG_SOFTMAX_LOCAL, ..., and the row's maximum or sum is a tree in local memory, so rows
 * of any width keep every work-item busy and the result does not depend on the launch. The order is fixed, so the
 * result is deterministic. The host launches n groups; a group past the last row computes nothing but still meets
 * every barrier, since POCL requires all work-items of a group to reach each one (no early return).
 * Dispatched by OpenClBackend.logSoftmaxForward / logSoftmaxBackward.
 */

#ifndef LOG_SOFTMAX_LOCAL
#define LOG_SOFTMAX_LOCAL 256 /* work-items per row (the work-group size); a power of two */
#endif

/* Tree over partial[]: leaves the maximum (take_max) or the sum in partial[0]; every work-item must call it. */
inline void row_tree(__local float *partial, const int lid, const int take_max) {
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = LOG_SOFTMAX_LOCAL / 2; stride > 0; stride /= 2) {
        if (lid < stride) {
            const float a = partial[lid];
            const float b = partial[lid + stride];
            partial[lid] = take_max ? fmax(a, b) : a + b;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

__kernel __attribute__((reqd_work_group_size(LOG_SOFTMAX_LOCAL, 1, 1)))
void log_softmax_forward(__global float *y, const __global float *x, const int n, const int classes) {
    __local float partial[LOG_SOFTMAX_LOCAL];
    const int r = (int) get_group_id(0);
    const int lid = (int) get_local_id(0);
    const int width = r < n ? classes : 0;
    const __global float *xr = x + r * classes;
    __global float *yr = y + r * classes;
    float max_x = -INFINITY;
    for (int j = lid; j < width; j += LOG_SOFTMAX_LOCAL) {
        max_x = fmax(max_x, xr[j]);
    }
    partial[lid] = max_x;
    row_tree(partial, lid, 1);
    max_x = partial[0];
    /* Everyone has read the maximum before partial[] is reused for the sum. */
    barrier(CLK_LOCAL_MEM_FENCE);
    float sum = 0.0f;
    for (int j = lid; j < width; j += LOG_SOFTMAX_LOCAL) {
        sum += exp(xr[j] - max_x);
    }
    partial[lid] = sum;
    row_tree(partial, lid, 0);
    const float log_sum = log(partial[0]);
    for (int j = lid; j < width; j += LOG_SOFTMAX_LOCAL) {
        yr[j] = (xr[j] - max_x) - log_sum;
    }
}

__kernel __attribute__((reqd_work_group_size(LOG_SOFTMAX_LOCAL, 1, 1)))
void log_softmax_backward(__global float *dx, const __global float *dy, const __global float *y, const int n,
                          const int classes) {
    __local float partial[LOG_SOFTMAX_LOCAL];
    const int r = (int) get_group_id(0);
    const int lid = (int) get_local_id(0);
    const int width = r < n ? classes : 0;
    const __global float *dyr = dy + r * classes;
    const __global float *yr = y + r * classes;
    __global float *dxr = dx + r * classes;
    float sum = 0.0f;
    for (int j = lid; j < width; j += LOG_SOFTMAX_LOCAL) {
        sum += dyr[j];
    }
    partial[lid] = sum;
    row_tree(partial, lid, 0);
    const float total = partial[0];
    for (int j = lid; j < width; j += LOG_SOFTMAX_LOCAL) {
        dxr[j] = dyr[j] - exp(yr[j]) * total;
    }
}
