/*
 * batchnorm.cl: batch normalisation (PyTorch BatchNorm1d/2d) over activations viewed as (n, channels, inner), flat
 * index e = (o * channels + ch) * inner + i (BatchNorm1d: inner = 1; BatchNorm2d: inner = h * w). Per channel,
 * m = n * inner values; t = o * inner + i walks them in index order.
 *   batch_norm_forward(y, mean, inv_std, running_mean, running_var, x, weight, bias, n, channels, inner, momentum,
 *       eps): training mode. mean = sum x / m, var = sum (x - mean)^2 / m (two passes, biased),
 *       inv_std = 1 / sqrt(var + eps), y = (x - mean) * inv_std * weight + bias; saves mean and inv_std, and
 *       running = (1 - momentum) * running + momentum * batch with the unbiased variance sum / (m - 1).
 *   batch_norm_backward(dx, dweight, dbias, dy, x, mean, inv_std, weight, n, channels, inner): with
 *       xhat = (x - mean) * inv_std, dweight += sum dy * xhat, dbias += sum dy (accumulated), and
 *       dx = weight * inv_std * (dy - sum dy / m - xhat * sum (dy * xhat) / m) (overwritten).
 *   Both: one work-group of BN_LOCAL work-items per channel (1-D range channels * BN_LOCAL). With BN_STREAM 0
 *   (GPUs) work-item lid takes t = lid, lid + BN_LOCAL, ... (adjacent work-items read adjacent elements of a
 *   BatchNorm2d row); with BN_STREAM 1 (CPUs, where a work-item streaming a run is many times faster) it takes one
 *   contiguous share of t (a multiple of 16 values), walked row run by row run without a division per element,
 *   16 values at a time with vload16/vstore16: POCL does not vectorise a work-item's own loop (a compensated sum
 *   may not be reordered), so the SIMD lanes are written out. Each work-item sums with Kahan compensation (with
 *   BN_STREAM 1 per float16 lane, two chains for x, then the lanes folded in a fixed tree), then a tree in local
 *   memory: a fixed order, so the same device gives the same bits, and no atomics. A group past the last channel
 *   computes nothing but meets every barrier (no early return).
 *   batch_norm_eval_forward(y, x, weight, bias, running_mean, running_var, n, channels, inner, eps):
 *       y = (x - running_mean) * (weight / sqrt(running_var + eps)) + bias; one work-item per element, 3-D range
 *       (inner, channels, n).
 * Dispatched by OpenClBackend.batchNormForward / batchNormEvalForward / batchNormBackward.
 */

#ifndef BN_LOCAL
#define BN_LOCAL 256 /* work-items per channel (the work-group size); a power of two */
#endif
#ifndef BN_STREAM
#define BN_STREAM 0 /* 1: each work-item walks a contiguous share of its channel (CPUs); 0: interleaved (GPUs) */
#endif

/* The element index of a channel's value t = o * inner + i. */
inline int bn_element(const int t, const int inner, const int row) {
    const int o = t / inner;
    return o * row + (t - o * inner);
}

/*
 * BN_FOR_EACH(e) { body } runs body for every element index e of work-item lid's part of channel ch's m values
 * (row = channels * inner elements between consecutive samples), in increasing t.
 */
#if BN_STREAM
#define BN_FOR_EACH(e)                                                                                             \
    for (int bn_t = min(lid * ((m + BN_LOCAL - 1) / BN_LOCAL), m),                                                 \
             bn_end = min(bn_t + (m + BN_LOCAL - 1) / BN_LOCAL, m), bn_o = bn_t / inner,                           \
             bn_i = bn_t - bn_o * inner, bn_run = 0;                                                               \
         bn_t < bn_end; bn_t += bn_run, bn_o++, bn_i = 0)                                                          \
        for (int e = bn_o * row + bn_i, bn_stop = e + (bn_run = min(bn_end - bn_t, inner - bn_i)); e < bn_stop; e++)
#else
#define BN_FOR_EACH(e)                                                                                             \
    for (int bn_t = lid, e = bn_element(lid, inner, row); bn_t < m;                                                \
         bn_t += BN_LOCAL, e = bn_element(bn_t, inner, row))
#endif

#if BN_STREAM
/*
 * BN_FOR_EACH_RUN(e, len) { body } runs body once per row run of work-item lid's share: len consecutive elements
 * from element index e. Shares are whole multiples of 16 values so that the float16 loops below see long runs.
 */
#define BN_SHARE (((m + BN_LOCAL - 1) / BN_LOCAL + 15) & ~15)
#define BN_FOR_EACH_RUN(e, len)                                                                                    \
    for (int bn_t = min(lid * BN_SHARE, m), bn_end = min(bn_t + BN_SHARE, m), bn_o = bn_t / inner,                 \
             bn_i = bn_t - bn_o * inner, len = 0, e = 0;                                                           \
         bn_t < bn_end && ((len = min(bn_end - bn_t, inner - bn_i)), (e = bn_o * row + bn_i), 1);                  \
         bn_t += len, bn_o++, bn_i = 0)

/* Kahan on 16 lanes at once: POCL leaves a work-item's scalar loop scalar, so the SIMD width comes from here. */
inline void bn_kahan16(float16 *sum, float16 *carry, const float16 v) {
    const float16 term = v - *carry;
    const float16 next = *sum + term;
    *carry = (next - *sum) - term;
    *sum = next;
}

/* The lanes of two compensated float16 sums folded in a fixed order. */
inline float bn_fold(const float16 s0, const float16 c0, const float16 s1, const float16 c1) {
    const float16 v = (s0 - c0) + (s1 - c1);
    const float8 a = v.lo + v.hi;
    const float4 b = a.lo + a.hi;
    const float2 c = b.lo + b.hi;
    return c.x + c.y;
}

/*
 * Adds F(value) over len floats from p to (s0, c0, s1, c1) (32 at a time: two independent chains hide the add
 * latency), (s0, c0) (16 at a time) and scalar (ts, tc) for the rest. F is a macro valid for float and float16.
 */
#define BN_RUN_SUM(p, len, F)                                                                                      \
    {                                                                                                              \
        int bn_k = 0;                                                                                              \
        for (; bn_k + 32 <= (len); bn_k += 32) {                                                                   \
            bn_kahan16(&s0, &c0, F(vload16(0, (p) + bn_k)));                                                       \
            bn_kahan16(&s1, &c1, F(vload16(0, (p) + bn_k + 16)));                                                  \
        }                                                                                                          \
        for (; bn_k + 16 <= (len); bn_k += 16) {                                                                   \
            bn_kahan16(&s0, &c0, F(vload16(0, (p) + bn_k)));                                                       \
        }                                                                                                          \
        for (; bn_k < (len); bn_k++) {                                                                             \
            bn_kahan(&ts, &tc, F((p)[bn_k]));                                                                      \
        }                                                                                                          \
    }
#endif

/* Sums a[] (and b[] when two) into a[0] (b[0]); every work-item of the group must call it. */
inline void bn_tree(__local float *a, __local float *b, const int lid, const int two) {
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = BN_LOCAL / 2; stride > 0; stride /= 2) {
        if (lid < stride) {
            a[lid] += a[lid + stride];
            if (two) {
                b[lid] += b[lid + stride];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

/* One Kahan step: sum += v, carry holding the low-order bits the sum lost, so a share's error stays ~2 ulp. */
inline void bn_kahan(float *sum, float *carry, const float v) {
    const float term = v - *carry;
    const float next = *sum + term;
    *carry = (next - *sum) - term;
    *sum = next;
}

__kernel __attribute__((reqd_work_group_size(BN_LOCAL, 1, 1)))
void batch_norm_forward(__global float *y, __global float *mean, __global float *inv_std,
                        __global float *running_mean, __global float *running_var, const __global float *x,
                        const __global float *weight, const __global float *bias, const int n, const int channels,
                        const int inner, const float momentum, const float eps) {
    __local float partial[BN_LOCAL];
    const int ch = (int) get_group_id(0);
    const int lid = (int) get_local_id(0);
    const int m = ch < channels ? n * inner : 0;
    const __global float *xc = x + ch * inner;
    __global float *yc = y + ch * inner;
    const int row = channels * inner;
#if BN_STREAM
#define BN_SAME(v) (v)
#define BN_SQUARE(v) (((v) - mu) * ((v) - mu))
    float16 s0 = 0.0f, c0 = 0.0f, s1 = 0.0f, c1 = 0.0f;
    float ts = 0.0f, tc = 0.0f;
    BN_FOR_EACH_RUN(e, len) BN_RUN_SUM(xc + e, len, BN_SAME)
    partial[lid] = bn_fold(s0, c0, s1, c1) + (ts - tc);
#else
    float sum = 0.0f;
    float carry = 0.0f;
    BN_FOR_EACH(e) {
        bn_kahan(&sum, &carry, xc[e]);
    }
    partial[lid] = sum;
#endif
    bn_tree(partial, partial, lid, 0);
    const float mu = partial[0] / (float) max(m, 1);
    /* Everyone has read the sum before partial[] is reused. */
    barrier(CLK_LOCAL_MEM_FENCE);
#if BN_STREAM
    s0 = c0 = s1 = c1 = 0.0f;
    ts = tc = 0.0f;
    BN_FOR_EACH_RUN(e, len) BN_RUN_SUM(xc + e, len, BN_SQUARE)
    partial[lid] = bn_fold(s0, c0, s1, c1) + (ts - tc);
#else
    sum = 0.0f;
    carry = 0.0f;
    BN_FOR_EACH(e) {
        const float d = xc[e] - mu;
        bn_kahan(&sum, &carry, d * d);
    }
    partial[lid] = sum;
#endif
    bn_tree(partial, partial, lid, 0);
    const float squares = partial[0];
    if (m == 0) {
        return; /* after the last barrier: the whole group leaves together */
    }
    const float inv = 1.0f / sqrt(squares / (float) m + eps);
    const float scale = inv * weight[ch];
    const float shift = bias[ch];
#if BN_STREAM
    BN_FOR_EACH_RUN(e, len) {
        int k = 0;
        for (; k + 16 <= len; k += 16) {
            vstore16((vload16(0, xc + e + k) - mu) * scale + shift, 0, yc + e + k);
        }
        for (; k < len; k++) {
            yc[e + k] = (xc[e + k] - mu) * scale + shift;
        }
    }
#else
    BN_FOR_EACH(e) {
        yc[e] = (xc[e] - mu) * scale + shift;
    }
#endif
    if (lid == 0) {
        mean[ch] = mu;
        inv_std[ch] = inv;
        running_mean[ch] = (1.0f - momentum) * running_mean[ch] + momentum * mu;
        running_var[ch] = (1.0f - momentum) * running_var[ch] + momentum * (squares / (float) (m - 1));
    }
}

__kernel __attribute__((reqd_work_group_size(BN_LOCAL, 1, 1)))
void batch_norm_backward(__global float *dx, __global float *dweight, __global float *dbias,
                         const __global float *dy, const __global float *x, const __global float *mean,
                         const __global float *inv_std, const __global float *weight, const int n,
                         const int channels, const int inner) {
    __local float partial_dy[BN_LOCAL];
    __local float partial_dyx[BN_LOCAL];
    const int ch = (int) get_group_id(0);
    const int lid = (int) get_local_id(0);
    const int m = ch < channels ? n * inner : 0;
    const int row = channels * inner;
    const __global float *xc = x + ch * inner;
    const __global float *dyc = dy + ch * inner;
    __global float *dxc = dx + ch * inner;
    const float mu = m > 0 ? mean[ch] : 0.0f;
    const float inv = m > 0 ? inv_std[ch] : 0.0f;
#if BN_STREAM
    /* Two sums per element already make two independent chains: 16 lanes at a time, pairs (dy, dy * xhat). */
    float16 s0 = 0.0f, c0 = 0.0f, s1 = 0.0f, c1 = 0.0f;
    float ts = 0.0f, tc = 0.0f, tx = 0.0f, tcx = 0.0f;
    const float16 zero = 0.0f;
    BN_FOR_EACH_RUN(e, len) {
        int k = 0;
        for (; k + 16 <= len; k += 16) {
            const float16 g = vload16(0, dyc + e + k);
            bn_kahan16(&s0, &c0, g);
            bn_kahan16(&s1, &c1, g * ((vload16(0, xc + e + k) - mu) * inv));
        }
        for (; k < len; k++) {
            const float g = dyc[e + k];
            bn_kahan(&ts, &tc, g);
            bn_kahan(&tx, &tcx, g * ((xc[e + k] - mu) * inv));
        }
    }
    partial_dy[lid] = bn_fold(s0, c0, zero, zero) + (ts - tc);
    partial_dyx[lid] = bn_fold(s1, c1, zero, zero) + (tx - tcx);
#else
    float sum_dy = 0.0f;
    float carry_dy = 0.0f;
    float sum_dyx = 0.0f;
    float carry_dyx = 0.0f;
    BN_FOR_EACH(e) {
        const float g = dyc[e];
        bn_kahan(&sum_dy, &carry_dy, g);
        bn_kahan(&sum_dyx, &carry_dyx, g * ((xc[e] - mu) * inv));
    }
    partial_dy[lid] = sum_dy;
    partial_dyx[lid] = sum_dyx;
#endif
    bn_tree(partial_dy, partial_dyx, lid, 1);
    if (m == 0) {
        return; /* after the last barrier: the whole group leaves together */
    }
    const float total_dy = partial_dy[0];
    const float total_dyx = partial_dyx[0];
    const float mean_dy = total_dy / (float) m;
    const float mean_dyx = total_dyx / (float) m;
    const float scale = weight[ch] * inv;
#if BN_STREAM
    BN_FOR_EACH_RUN(e, len) {
        int k = 0;
        for (; k + 16 <= len; k += 16) {
            const float16 xhat = (vload16(0, xc + e + k) - mu) * inv;
            vstore16(scale * ((vload16(0, dyc + e + k) - mean_dy) - xhat * mean_dyx), 0, dxc + e + k);
        }
        for (; k < len; k++) {
            const float xhat = (xc[e + k] - mu) * inv;
            dxc[e + k] = scale * ((dyc[e + k] - mean_dy) - xhat * mean_dyx);
        }
    }
#else
    BN_FOR_EACH(e) {
        const float xhat = (xc[e] - mu) * inv;
        dxc[e] = scale * ((dyc[e] - mean_dy) - xhat * mean_dyx);
    }
#endif
    if (lid == 0) {
        dweight[ch] += total_dyx;
        dbias[ch] += total_dy;
    }
}

__kernel void batch_norm_eval_forward(__global float *y, const __global float *x, const __global float *weight,
                                      const __global float *bias, const __global float *running_mean,
                                      const __global float *running_var, const int n, const int channels,
                                      const int inner, const float eps) {
    /* 3-D range (inner, channels, n): the channel comes from the range, not from a division. */
    const int i = (int) get_global_id(0);
    const int ch = (int) get_global_id(1);
    const int o = (int) get_global_id(2);
    if (i >= inner || ch >= channels || o >= n) {
        return;
    }
    const int e = (o * channels + ch) * inner + i;
    const float scale = weight[ch] / sqrt(running_var[ch] + eps);
    y[e] = (x[e] - running_mean[ch]) * scale + bias[ch];
}
