/*
 * bias.cl: per-channel bias, activations viewed as (outer, channels, inner), flat index (o*channels + ch)*inner + x.
 *   bias_add_forward(y, b, outer, channels, inner, relu): y += b[ch], then y = y <= 0 ? 0 : y when relu is 1 (a
 *       linear layer whose ReLU is fused into it: NaN passes, as relu.cl); one work-item per element of y, 3-D range
 *       (inner, channels, outer). One kernel for both cases, so a model's last linear layer (no ReLU) and the
 *       others share one code generation on POCL.
 *   bias_add_backward(db, dy, outer, channels, inner):  db[ch] += sum over o, x of dy; one work-group of BIAS_LOCAL
 *       work-items per channel, each summing a contiguous share in eight interleaved lanes, then a tree in local
 *       memory (deterministic order).
 *   bias_add_backward_rows(db, dy, gate, dx, outer, channels, gated): the same for inner = 1 (a linear layer's
 *       (batch, features)): work-item i sums channels 8i .. 8i + 7 down the rows as a float8 (fewer lanes for the
 *       last), with Kahan compensation; 1-D range ceil(channels/8). With gated = 1 it is first the backward of a
 *       ReLU fused into the layer: each element of dy becomes gate <= 0 ? 0 : dy (gate is the ReLU's output, which
 *       is <= 0 exactly where its input was), is written to dx, and that is what is summed: the same values, in the
 *       same order, as relu_backward followed by this kernel, in one pass and one kernel. With gated = 0, gate and
 *       dx are not touched (the host passes dy for both).
 * Dispatched by OpenClBackend.biasAddForward / biasAddBackward.
 */

#ifndef BIAS_LOCAL
#define BIAS_LOCAL 64 /* work-group size of bias_add_backward; a power of two */
#endif

__kernel void bias_add_forward(__global float *y, const __global float *b, const int outer, const int channels,
                               const int inner, const int relu) {
    /* 3-D range (inner, channels, outer): the channel comes from the range, not from a division. */
    const int x = (int) get_global_id(0);
    const int ch = (int) get_global_id(1);
    const int o = (int) get_global_id(2);
    if (x >= inner || ch >= channels || o >= outer) {
        return;
    }
    const int e = (o * channels + ch) * inner + x;
    const float v = y[e] + b[ch];
    y[e] = (relu && v <= 0.0f) ? 0.0f : v;
}

__kernel __attribute__((reqd_work_group_size(BIAS_LOCAL, 1, 1)))
void bias_add_backward(__global float *db, const __global float *dy, const int outer, const int channels,
                   const int inner) {
    __local float partial[BIAS_LOCAL];
    const int ch = (int) get_group_id(0);
    const int lid = (int) get_local_id(0);
    const int per_channel = outer * inner;
    /* Work-item lid sums one contiguous share of the channel's (outer, inner) block, elements t .. t1 - 1 in index
       order, run by run: a CPU work-item then streams through memory instead of striding across it. */
    const int share = (per_channel + BIAS_LOCAL - 1) / BIAS_LOCAL;
    int t = min(lid * share, per_channel);
    const int t1 = min(t + share, per_channel);
    int o = t / inner;
    int x = t - o * inner;
    /* Eight interleaved partial sums and a ninth for each run's tail: a single running sum would be one chain of
       dependent additions, each waiting out the one before. (Written element by element: Oclgrind 21.10 crashes on
       the vload8 form; the compiler makes a vector add of it on CPUs either way.) */
    float lanes[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    float sum = 0.0f;
    while (t < t1) {
        const int run = min(t1 - t, inner - x);
        const __global float *row = dy + (o * channels + ch) * inner + x;
        int i = 0;
        for (; i + 8 <= run; i += 8) {
            for (int l = 0; l < 8; l++) {
                lanes[l] += row[i + l];
            }
        }
        for (; i < run; i++) {
            sum += row[i];
        }
        t += run;
        x = 0;
        o++;
    }
    partial[lid] = sum + (((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3]
            + lanes[7])));
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

__kernel void bias_add_backward_rows(__global float *db, const __global float *dy, const __global float *gate,
                                     __global float *dx, const int outer, const int channels, const int gated) {
    const int ch0 = (int) get_global_id(0) * 8;
    if (ch0 >= channels) {
        return;
    }
    const int valid = min(8, channels - ch0);
    float8 sum = (float8) (0.0f);
    float8 compensation = (float8) (0.0f);
    for (int o = 0; o < outer; o++) {
        const int at = o * channels + ch0;
        float8 v;
        if (valid == 8) {
            v = vload8(0, dy + at);
            if (gated) {
                v = select(v, (float8) (0.0f), islessequal(vload8(0, gate + at), (float8) (0.0f)));
                vstore8(v, 0, dx + at);
            }
        } else {
            float lanes[8];
            for (int l = 0; l < 8; l++) {
                float d = l < valid ? dy[at + l] : 0.0f;
                if (gated && l < valid) {
                    d = gate[at + l] <= 0.0f ? 0.0f : d;
                    dx[at + l] = d;
                }
                lanes[l] = d;
            }
            v = vload8(0, lanes);
        }
        /* Kahan: the running sum of a batch of rows keeps the low bits each addition would drop. */
        const float8 corrected = v - compensation;
        const float8 next = sum + corrected;
        compensation = (next - sum) - corrected;
        sum = next;
    }
    float lanes[8];
    vstore8(sum, 0, lanes);
    for (int l = 0; l < valid; l++) {
        db[ch0 + l] += lanes[l];
    }
}
