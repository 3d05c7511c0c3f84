/*
 * bias.cl: per-channel bias, activations viewed as (outer, channels, inner), flat index (o*channels + ch)*inner + x.
 *   bias_add_forward(y, b, outer, channels, inner): y += b[ch]; one work-item per element of y, 3-D range
 *       (inner, channels, outer).
 *   bias_add_backward(db, dy, outer, channels, inner):  db[ch] += sum over o, x of dy; one work-group of BIAS_LOCAL
 *       work-items per channel, each summing a strided share, then a tree in local memory (deterministic order).
 * Dispatched by OpenClBackend.biasAddForward / biasAddBackward.
 */

#ifndef BIAS_LOCAL
#define BIAS_LOCAL 64 /* work-group size of bias_add_backward; a power of two */
#endif

__kernel void bias_add_forward(__global float *y, const __global float *b, const int outer, const int channels,
                               const int inner) {
    /* 3-D range (inner, channels, outer): the channel comes from the range, not from a division. */
    const int x = (int) get_global_id(0);
    const int ch = (int) get_global_id(1);
    const int o = (int) get_global_id(2);
    if (x >= inner || ch >= channels || o >= outer) {
        return;
    }
    y[(o * channels + ch) * inner + x] += b[ch];
}

__kernel __attribute__((reqd_work_group_size(BIAS_LOCAL, 1, 1)))
void bias_add_backward(__global float *db, const __global float *dy, const int outer, const int channels,
                   const int inner) {
    __local float partial[BIAS_LOCAL];
    const int ch = (int) get_group_id(0);
    const int lid = (int) get_local_id(0);
    const int per_channel = outer * inner;
    /* Work-item lid sums elements lid, lid + BIAS_LOCAL, ... of the channel's (outer, inner) block, its position
       (o, x) stepped by the constant (BIAS_LOCAL / inner, BIAS_LOCAL % inner) instead of divided out per element. */
    const int step_o = BIAS_LOCAL / inner;
    const int step_x = BIAS_LOCAL - step_o * inner;
    int o = lid / inner;
    int x = lid - o * inner;
    float sum = 0.0f;
    for (int t = lid; t < per_channel; t += BIAS_LOCAL) {
        sum += dy[(o * channels + ch) * inner + x];
        o += step_o;
        x += step_x;
        if (x >= inner) {
            x -= inner;
            o++;
        }
    }
    partial[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = BIAS_LOCAL / 2; stride > 0; stride /= 2) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        db[ch] += partial[0];
    }
}
