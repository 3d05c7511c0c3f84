/*
 * conv.cl: the layout changes that turn a convolution into GEMMs (see Conv2dShape).
 * Geometry arguments: n, cin, h, w (input), kh, kw (kernel), sh, sw (stride), ph, pw (padding), oh, ow (output).
 *   x, dx: (n, cin, h, w), element (ni, ci, hh, ww) at ((ni*cin + ci)*h + hh)*w + ww
 *   col:   (cin*kh*kw, n*oh*ow), element (row, column) at row*(n*oh*ow) + column, with row = (ci*kh + dh)*kw + dw
 *          and column = (ni*oh + r)*ow + q; it holds x[ni, ci, r*sh - ph + dh, q*sw - pw + dw], 0 in the padding.
 *   im2col: 2-D range (n, cin*kh*kw): one work-item per image and patch row (oh*ow consecutive elements).
 *   col2im: 3-D range (ceil(w/8), h, n*cin): one work-item per 8 consecutive dx elements of a row, gathering the
 *           (dh, dw) taps that read them, in ascending order (the Java reference scatters in the same order, so the
 *           sums round identically); overwrites dx.
 *   swap_leading_axes(dst, src, a, b, inner): dst (b, a, inner) = src (a, b, inner); 3-D range (lanes, b, a) with
 *       lanes = inner on GPUs (one element per work-item) and 1 on CPUs (one work-item per run of inner elements,
 *       about 4 times faster under POCL).
 *   swap_leading_axes_add_bias(dst, src, bias, a, b, inner, relu): the same with bias[i] added to run i, for a
 *       convolution's output: one pass instead of a swap and a bias_add_forward; relu != 0 also applies a ReLU that
 *       follows the convolution (v <= 0 ? 0 : v, NaN passing, as relu_forward), so no separate pass runs.
 * Direct convolution, for few input channels (cin*kh*kw <= DIRECT_MAX_PATCH), where im2col's K is too short for a
 * GEMM to pay off. weight (cout, cin*kh*kw) as PyTorch's (cout, cin, kh, kw); y, dy (n, cout, oh, ow).
 *   conv_direct_forward(y, x, weight, bias, cout, relu, ...): y = bias + the window's taps times the weights, fused
 *       multiply-adds in (ci, dh, dw) order after the bias, then with relu != 0 the ReLU as relu_forward; 2-D range
 *       (oh, n), one work-item per output row of all cout channels, 8 pixels (a float8) and DIRECT_OUT_BLOCK
 *       channels at a time.
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

#ifndef DIRECT_OUT_BLOCK
#define DIRECT_OUT_BLOCK 8 /* output channels one work-item of the direct forward pass computes at once */
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

__kernel void swap_leading_axes_add_bias(__global float *dst, const __global float *src,
                                         const __global float *bias, const int a, const int b, const int inner,
                                         const int relu) {
    /* As swap_leading_axes, adding bias[i] on the way (and clamping at 0 for a fused ReLU). */
    const int j = (int) get_global_id(1);
    const int i = (int) get_global_id(2);
    if (j >= b || i >= a) {
        return;
    }
    const int lanes = (int) get_global_size(0);
    const float add = bias[i];
    const __global float *from = src + (i * b + j) * inner;
    __global float *to = dst + (j * a + i) * inner;
    for (int k = (int) get_global_id(0); k < inner; k += lanes) {
        const float v = from[k] + add;
        to[k] = (relu && v <= 0.0f) ? 0.0f : v;
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

/* The first output index r >= 0 whose tap r*s - pad + d lies at or after 0, and the count of those before `size`:
   output indices [first_inside, end_inside) read inside the input along one axis (empty when end <= first). */
inline int first_inside(const int pad, const int d, const int s, const int out) {
    const int a = pad - d;
    return min(out, a <= 0 ? 0 : s == 1 ? a : (a + s - 1) / s);
}

inline int end_inside(const int size, const int pad, const int d, const int s, const int out) {
    const int b = size + pad - d;
    return min(out, b <= 0 ? 0 : s == 1 ? b : (b + s - 1) / s);
}

__kernel void im2col(__global float *col, const __global float *x, CONV_ARGS) {
    /* Work-item (ni, row) writes the oh*ow consecutive columns of image ni in col row `row`: zeros for the output
       rows and columns whose tap falls in the padding, copies for the rest, each a plain loop without a branch per
       element, which the compiler vectorises. */
    const int ni = (int) get_global_id(0);
    const int row = (int) get_global_id(1);
    if (ni >= n || row >= cin * kh * kw) {
        return;
    }
    /* Quotients and remainders written as a - q*b: the same values, but LLVM then emits no freeze instruction for a
       division/remainder pair, which Oclgrind's uninitialised-value checker cannot follow. */
    const int ci = row / (kw * kh);
    const int tap = row - ci * kw * kh;
    const int dh = tap / kw;
    const int dw = tap - dh * kw;
    const int pixels = oh * ow;
    __global float *out = col + row * (n * pixels) + ni * pixels;
    const __global float *plane = x + (ni * cin + ci) * h * w;
    const int r0 = first_inside(ph, dh, sh, oh);
    const int r1 = max(r0, end_inside(h, ph, dh, sh, oh));
    const int q0 = first_inside(pw, dw, sw, ow);
    const int q1 = max(q0, end_inside(w, pw, dw, sw, ow));
    for (int p = 0; p < r0 * ow; p++) {
        out[p] = 0.0f;
    }
    for (int p = r1 * ow; p < pixels; p++) {
        out[p] = 0.0f;
    }
    if (sh == 1 && sw == 1 && ow == w) {
        /* Output and input rows have the same length: the inside rows are one shifted run of the plane. Copy it
           whole, clipped to the plane, then zero the padding columns, which the run filled from neighbouring rows. */
        const int shift = (dh - ph) * w + dw - pw;
        const int p0 = max(r0 * ow, -shift);
        const int p1 = min(r1 * ow, h * w - shift);
        for (int p = p0; p < p1; p++) {
            out[p] = plane[p + shift];
        }
        for (int r = r0; r < r1; r++) {
            for (int q = 0; q < q0; q++) {
                out[r * ow + q] = 0.0f;
            }
            for (int q = q1; q < ow; q++) {
                out[r * ow + q] = 0.0f;
            }
        }
        return;
    }
    for (int r = r0; r < r1; r++) {
        __global float *o = out + r * ow;
        const __global float *in = plane + (r * sh - ph + dh) * w;
        const int shift = dw - pw;
        for (int q = 0; q < q0; q++) {
            o[q] = 0.0f;
        }
        for (int q = q0; q < q1; q++) {
            o[q] = in[q * sw + shift];
        }
        for (int q = q1; q < ow; q++) {
            o[q] = 0.0f;
        }
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
        const int r = sh == 1 ? rs : rs / sh; /* an integer division costs tens of cycles per tap row */
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
                                  const __global float *bias, const int cout, const int relu, CONV_ARGS) {
    /* Work-item (r, ni) computes output row r of every channel, 8 pixels (a float8) at a time: the taps are loaded
       once into private memory, then DIRECT_OUT_BLOCK channels at once run their vector multiply-adds, each its own
       chain, so the FMA units are not left waiting out one chain's latency. */
    const int r = (int) get_global_id(0);
    const int ni = (int) get_global_id(1);
    if (r >= oh || ni >= n) {
        return;
    }
    const int patch = cin * kh * kw;
    const __global float *image = x + ni * cin * h * w;
    float8 taps[DIRECT_MAX_PATCH];
    for (int q0 = 0; q0 < ow; q0 += 8) {
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
        for (int co0 = 0; co0 < cout; co0 += DIRECT_OUT_BLOCK) {
            /* A channel past cout repeats the last one's weights and is not stored. */
            float8 acc[DIRECT_OUT_BLOCK];
            const __global float *wt[DIRECT_OUT_BLOCK];
            #pragma unroll
            for (int c = 0; c < DIRECT_OUT_BLOCK; c++) {
                const int co = min(co0 + c, cout - 1);
                acc[c] = (float8) (bias[co]);
                wt[c] = weight + co * patch;
            }
            for (int i = 0; i < patch; i++) {
                #pragma unroll
                for (int c = 0; c < DIRECT_OUT_BLOCK; c++) {
                    acc[c] = fma((float8) (wt[c][i]), taps[i], acc[c]);
                }
            }
            #pragma unroll
            for (int c = 0; c < DIRECT_OUT_BLOCK; c++) {
                if (co0 + c >= cout) {
                    break;
                }
                __global float *dst = out + (co0 + c) * oh * ow;
                if (relu) {
                    acc[c] = select(acc[c], (float8) (0.0f), acc[c] <= (float8) (0.0f)); /* as relu_forward */
                }
                if (valid == 8) {
                    vstore8(acc[c], 0, dst);
                } else {
                    float lanes[8];
                    vstore8(acc[c], 0, lanes);
                    for (int l = 0; l < valid; l++) {
                        dst[l] = lanes[l];
                    }
                }
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
