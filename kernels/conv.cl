/*
 * conv.cl: the layout changes that turn a convolution into GEMMs (see Conv2dShape).
 * Geometry arguments: n, cin, h, w (input), kh, kw (kernel), sh, sw (stride), ph, pw (padding), oh, ow (output).
 *   x, dx: (n, cin, h, w), element (ni, ci, hh, ww) at ((ni*cin + ci)*h + hh)*w + ww
 *   col:   (cin*kh*kw, n*oh*ow), element (row, column) at row*(n*oh*ow) + column, with row = (ci*kh + dh)*kw + dw
 *          and column = (ni*oh + r)*ow + q; it holds x[ni, ci, r*sh - ph + dh, q*sw - pw + dw], 0 in the padding.
 *   im2col: 2-D range (n*oh, cin*kh*kw): one work-item per output row of one patch row (ow elements).
 *   col2im: 3-D range (ceil(w/8), h, n*cin): one work-item per 8 consecutive dx elements of a row, gathering the
 *           (dh, dw) taps that read them, in ascending order (the Java reference scatters in the same order, so the
 *           sums round identically); overwrites dx.
 *   swap_leading_axes(dst, src, a, b, inner): dst (b, a, inner) = src (a, b, inner); 3-D range (lanes, b, a) with
 *       lanes = inner on GPUs (one element per work-item) and 1 on CPUs (one work-item per run of inner elements,
 *       about 4 times faster under POCL).
 * Direct convolution, for few input channels (cin*kh*kw <= DIRECT_MAX_PATCH), where im2col's K is too short for a
 * GEMM to pay off. weight (cout, cin*kh*kw) as PyTorch's (cout, cin, kh, kw); y, dy (n, cout, oh, ow).
 *   conv_direct_forward(y, x, weight, bias, cout, ...): y = bias + the window's taps times the weights, fused
 *       multiply-adds in (ci, dh, dw) order after the bias; 3-D range (ceil(ow/8), oh, n), one work-item per 8
 *       consecutive output pixels of a row (a float8), all cout channels.
 *   conv_direct_backward_partial(partial, dy, x, cout, slices, qs, ...): 3-D range (qs/8, slices,
 *       ceil(cout/DIRECT_CO_BLOCK)), qs = ow rounded up to 8: work-item (chunk, s, block) sums, for each channel co
 *       of its block, over the images s, s + slices, ... and every output row,
 *       dy * tap for each of the cin*kh*kw taps and dy alone (the bias) as float8 lanes, into
 *       partial[((co*(patch+1) + t)*slices + s)*qs + q] (0 for q >= ow).
 *   conv_direct_backward_sum(dweight, dbias, partial, cout, patch, parts): work-item (t, co) of the 2-D range
 *       (patch + 1, cout) adds the parts partials of (co, t) in index order to dweight[co, t] (t < patch) or
 *       dbias[co] (t = patch): parameter gradients accumulate.
 * Dispatched by ConvRoutine (OpenClBackend.im2col / col2im / swapLeadingAxes / convDirectForward /
 * convDirectBackward).
 */

#ifndef DIRECT_MAX_PATCH
#define DIRECT_MAX_PATCH 32 /* most taps (cin*kh*kw) a direct-convolution work-item keeps partial sums for */
#endif
#ifndef DIRECT_CO_BLOCK
#define DIRECT_CO_BLOCK 4 /* output channels one work-item of the direct gradient's first pass sums for */
#endif

#define CONV_ARGS const int n, const int cin, const int h, const int w, const int kh, const int kw, const int sh, \
    const int sw, const int ph, const int pw, const int oh, const int ow

__kernel void swap_leading_axes(__global float *dst, const __global float *src, const int a, const int b,
                                const int inner) {
    /* Work-item (k0, j, i) moves src[i, j, k] to dst[j, i, k] for k = k0, k0 + lanes, ... below inner, lanes being
       the range's width: a GPU launches inner lanes (one element each, loads coalesced), a CPU one lane that streams
       the whole run. */
    const int j = (int) get_global_id(1);
    const int i = (int) get_global_id(2);
    if (j >= b || i >= a) {
        return;
    }
    const int lanes = (int) get_global_size(0);
    const __global float *from = src + (i * b + j) * inner;
    __global float *to = dst + (j * a + i) * inner;
    for (int k = (int) get_global_id(0); k < inner; k += lanes) {
        to[k] = from[k];
    }
}

/* The 8 input taps (ci, dh, dw) that output pixels (r, q0 .. q0 + 7) of image ni read: 0 in the padding and for
   lanes past the row's end (q >= ow), so those lanes add nothing to a gradient even where x holds Inf or NaN. */
inline float8 direct_taps(const __global float *image, const int ci, const int dh, const int dw, const int r,
                          const int q0, CONV_ARGS) {
    const int hh = r * sh - ph + dh;
    if (hh < 0 || hh >= h) {
        return (float8) (0.0f);
    }
    const __global float *row = image + (ci * h + hh) * w;
    const int ww0 = q0 * sw - pw + dw;
    if (sw == 1 && ww0 >= 0 && ww0 + 8 <= w && q0 + 8 <= ow) {
        return vload8(0, row + ww0);
    }
    float lanes[8];
    for (int l = 0; l < 8; l++) {
        const int ww = ww0 + l * sw;
        lanes[l] = (q0 + l < ow && ww >= 0 && ww < w) ? row[ww] : 0.0f;
    }
    return vload8(0, lanes);
}

__kernel void im2col(__global float *col, const __global float *x, CONV_ARGS) {
    /* Work-item (ni*oh + r, row) writes the ow consecutive columns of one output row: the index arithmetic
       (integer division is slow on CPUs) is paid once per output row, not per element. */
    const int image_row = (int) get_global_id(0);
    const int row = (int) get_global_id(1);
    if (image_row >= n * oh || row >= cin * kh * kw) {
        return;
    }
    /* Quotients and remainders written as a - q*b: the same values, but LLVM then emits no freeze instruction for a
       division/remainder pair, which Oclgrind's uninitialised-value checker cannot follow. */
    const int ni = image_row / oh;
    const int r = image_row - ni * oh;
    const int ci = row / (kw * kh);
    const int tap = row - ci * kw * kh;
    const int dh = tap / kw;
    const int dw = tap - dh * kw;
    const int hh = r * sh - ph + dh;
    __global float *out = col + row * (n * oh * ow) + image_row * ow;
    if (hh < 0 || hh >= h) {
        for (int q = 0; q < ow; q++) {
            out[q] = 0.0f;
        }
        return;
    }
    const __global float *in = x + ((ni * cin + ci) * h + hh) * w;
    for (int q = 0; q < ow; q++) {
        const int ww = q * sw - pw + dw;
        out[q] = (ww >= 0 && ww < w) ? in[ww] : 0.0f;
    }
}

__kernel void col2im(__global float *dx, const __global float *col, CONV_ARGS) {
    /* Work-item (chunk, hh, ni*cin + ci) sums dx elements ww0 .. ww0 + 7 of one input row as a float8 (fewer at
       the row's end), tap by tap in ascending (dh, dw) order, as the reference does; a lane a tap does not reach
       adds +0, which changes no sum. */
    const int ww0 = (int) get_global_id(0) * 8;
    const int hh = (int) get_global_id(1);
    const int plane = (int) get_global_id(2);
    if (ww0 >= w || hh >= h || plane >= n * cin) {
        return;
    }
    const int ni = plane / cin;
    const int ci = plane - ni * cin;
    const int columns = n * oh * ow;
    const int valid = min(8, w - ww0);
    float8 sum = (float8) (0.0f);
    for (int dh = 0; dh < kh; dh++) {
        /* Tap dh of output row r reads this input row when r * sh = hh + ph - dh. */
        const int rs = hh + ph - dh;
        const int r = rs / sh;
        if (rs < 0 || r * sh != rs || r >= oh) {
            continue;
        }
        for (int dw = 0; dw < kw; dw++) {
            const __global float *src = col + ((ci * kh + dh) * kw + dw) * columns + (ni * oh + r) * ow;
            /* Lane l reads output column q = (ww0 + l + pw - dw) / sw where that divides evenly and is in range. */
            const int qs0 = ww0 + pw - dw;
            float8 v;
            if (sw == 1 && qs0 >= 0 && qs0 + 8 <= ow && valid == 8) {
                v = vload8(0, src + qs0);
            } else {
                float lanes[8];
                for (int l = 0; l < 8; l++) {
                    const int qs = qs0 + l;
                    const int q = qs / sw;
                    lanes[l] = (l < valid && qs >= 0 && q * sw == qs && q < ow) ? src[q] : 0.0f;
                }
                v = vload8(0, lanes);
            }
            sum += v;
        }
    }
    __global float *out = dx + (plane * h + hh) * w + ww0;
    if (valid == 8) {
        vstore8(sum, 0, out);
    } else {
        float lanes[8];
        vstore8(sum, 0, lanes);
        for (int l = 0; l < valid; l++) {
            out[l] = lanes[l];
        }
    }
}

__kernel void conv_direct_forward(__global float *y, const __global float *x, const __global float *weight,
                                  const __global float *bias, const int cout, CONV_ARGS) {
    /* Work-item (chunk, r, ni) computes outputs (r, 8*chunk .. 8*chunk + 7) of every channel as float8: the taps are
       loaded once into private memory, then each channel is a run of vector multiply-adds with its weights. */
    const int q0 = (int) get_global_id(0) * 8;
    const int r = (int) get_global_id(1);
    const int ni = (int) get_global_id(2);
    if (q0 >= ow || r >= oh || ni >= n) {
        return;
    }
    const int patch = cin * kh * kw;
    const __global float *image = x + ni * cin * h * w;
    float8 taps[DIRECT_MAX_PATCH];
    int t = 0;
    for (int ci = 0; ci < cin; ci++) {
        for (int dh = 0; dh < kh; dh++) {
            for (int dw = 0; dw < kw; dw++) {
                taps[t++] = direct_taps(image, ci, dh, dw, r, q0, n, cin, h, w, kh, kw, sh, sw, ph, pw, oh, ow);
            }
        }
    }
    __global float *out = y + (ni * cout * oh + r) * ow + q0;
    const int valid = min(8, ow - q0);
    for (int co = 0; co < cout; co++) {
        const __global float *wt = weight + co * patch;
        float8 acc = (float8) (bias[co]);
        for (int i = 0; i < patch; i++) {
            acc = fma((float8) (wt[i]), taps[i], acc);
        }
        __global float *dst = out + co * oh * ow;
        if (valid == 8) {
            vstore8(acc, 0, dst);
        } else {
            float lanes[8];
            vstore8(acc, 0, lanes);
            for (int l = 0; l < valid; l++) {
                dst[l] = lanes[l];
            }
        }
    }
}

__kernel void conv_direct_backward_partial(__global float *partial, const __global float *dy,
                                           const __global float *x, const int cout, const int slices,
                                           const int qs, CONV_ARGS) {
    /* Work-item (chunk, s, block): output columns 8*chunk .. 8*chunk + 7 of images s, s + slices, ..., every row,
       for the DIRECT_CO_BLOCK channels from block*DIRECT_CO_BLOCK: each row's taps are loaded once for them all. */
    const int q0 = (int) get_global_id(0) * 8;
    const int s = (int) get_global_id(1);
    const int co0 = (int) get_global_id(2) * DIRECT_CO_BLOCK;
    if (q0 >= qs || s >= slices || co0 >= cout) {
        return;
    }
    const int patch = cin * kh * kw;
    const int channels = min(DIRECT_CO_BLOCK, cout - co0);
    float8 acc[DIRECT_CO_BLOCK][DIRECT_MAX_PATCH + 1];
    for (int c = 0; c < DIRECT_CO_BLOCK; c++) {
        for (int t = 0; t <= patch; t++) {
            acc[c][t] = (float8) (0.0f);
        }
    }
    const int valid = min(8, ow - q0);
    float8 taps[DIRECT_MAX_PATCH];
    for (int ni = s; ni < n; ni += slices) {
        const __global float *image = x + ni * cin * h * w;
        for (int r = 0; r < oh; r++) {
            int t = 0;
            for (int ci = 0; ci < cin; ci++) {
                for (int dh = 0; dh < kh; dh++) {
                    for (int dw = 0; dw < kw; dw++) {
                        taps[t++] = direct_taps(image, ci, dh, dw, r, q0, n, cin, h, w, kh, kw, sh, sw, ph, pw, oh,
                                                ow);
                    }
                }
            }
            for (int c = 0; c < channels; c++) {
                const __global float *g = dy + ((ni * cout + co0 + c) * oh + r) * ow + q0;
                float8 d;
                if (valid == 8) {
                    d = vload8(0, g);
                } else {
                    float lanes[8];
                    for (int l = 0; l < 8; l++) {
                        lanes[l] = l < valid ? g[l] : 0.0f;
                    }
                    d = vload8(0, lanes);
                }
                for (int i = 0; i < patch; i++) {
                    acc[c][i] = fma(d, taps[i], acc[c][i]);
                }
                acc[c][patch] += d;
            }
        }
    }
    for (int c = 0; c < channels; c++) {
        for (int t = 0; t <= patch; t++) {
            vstore8(acc[c][t], 0, partial + (((co0 + c) * (patch + 1) + t) * slices + s) * qs + q0);
        }
    }
}

__kernel void conv_direct_backward_sum(__global float *dweight, __global float *dbias,
                                       const __global float *partial, const int cout, const int patch,
                                       const int parts) {
    const int t = (int) get_global_id(0);
    const int co = (int) get_global_id(1);
    if (t > patch || co >= cout) {
        return;
    }
    const __global float *p = partial + (co * (patch + 1) + t) * parts;
    float sum = 0.0f;
    for (int i = 0; i < parts; i++) {
        sum += p[i];
    }
    if (t < patch) {
        dweight[co * patch + t] += sum;
    } else {
        dbias[co] += sum;
    }
}
