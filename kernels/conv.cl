/*
 * conv.cl: the layout changes that turn a convolution into GEMMs (see Conv2dShape).
 * Geometry arguments: n, cin, h, w (input), kh, kw (kernel), sh, sw (stride), ph, pw (padding), oh, ow (output).
 *   x, dx: (n, cin, h, w), element (ni, ci, hh, ww) at ((ni*cin + ci)*h + hh)*w + ww
 *   col:   (cin*kh*kw, n*oh*ow), element (row, column) at row*(n*oh*ow) + column, with row = (ci*kh + dh)*kw + dw
 *          and column = (ni*oh + r)*ow + q; it holds x[ni, ci, r*sh - ph + dh, q*sw - pw + dw], 0 in the padding.
 *   im2col: 2-D range (n*oh, cin*kh*kw): one work-item per output row of one patch row (ow elements).
 *   col2im: 3-D range (w, h, n*cin): one work-item per dx element, gathering the (dh, dw) taps that read it, in
 *           ascending order (the Java reference scatters in the same order, so the sums round identically);
 *           overwrites dx.
 *   swap_leading_axes(dst, src, a, b, inner): dst (b, a, inner) = src (a, b, inner); 3-D range (inner, b, a).
 * Dispatched by OpenClBackend.im2col / col2im / swapLeadingAxes.
 */

#define CONV_ARGS const int n, const int cin, const int h, const int w, const int kh, const int kw, const int sh, \
    const int sw, const int ph, const int pw, const int oh, const int ow

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
    /* Work-item (ww, hh, ni*cin + ci): no division along dimension 0, which the compiler vectorises. */
    const int ww = (int) get_global_id(0);
    const int hh = (int) get_global_id(1);
    const int plane = (int) get_global_id(2);
    if (ww >= w || hh >= h || plane >= n * cin) {
        return;
    }
    const int ni = plane / cin;
    const int ci = plane - ni * cin;
    const int columns = n * oh * ow;
    float sum = 0.0f;
    if (sh == 1 && sw == 1) {
        /* Stride 1: tap (dh, dw) of output (r, q) = (hh + ph - dh, ww + pw - dw) reads this input; the valid taps
           form a range, so the loops carry no branches (which keeps POCL's vectoriser working). */
        const int dh0 = max(0, hh + ph - oh + 1);
        const int dh1 = min(kh - 1, hh + ph);
        const int dw0 = max(0, ww + pw - ow + 1);
        const int dw1 = min(kw - 1, ww + pw);
        for (int dh = dh0; dh <= dh1; dh++) {
            const int r = hh + ph - dh;
            for (int dw = dw0; dw <= dw1; dw++) {
                const int row = (ci * kh + dh) * kw + dw;
                sum += col[row * columns + (ni * oh + r) * ow + ww + pw - dw];
            }
        }
    } else {
        for (int dh = 0; dh < kh; dh++) {
            /* Tap dh of output row r reads this input row when r * sh = hh + ph - dh. */
            const int rs = hh + ph - dh;
            const int r = rs / sh;
            if (rs < 0 || r * sh != rs || r >= oh) {
                continue;
            }
            for (int dw = 0; dw < kw; dw++) {
                const int qs = ww + pw - dw;
                const int q = qs / sw;
                if (qs < 0 || q * sw != qs || q >= ow) {
                    continue;
                }
                const int row = (ci * kh + dh) * kw + dw;
                sum += col[row * columns + (ni * oh + r) * ow + q];
            }
        }
    }
    dx[(plane * h + hh) * w + ww] = sum;
}

__kernel void swap_leading_axes(__global float *dst, const __global float *src, const int a, const int b,
                                const int inner) {
    /* Work-item (k, j, i) moves src[i, j, k] to dst[j, i, k]. */
    const int k = (int) get_global_id(0);
    const int j = (int) get_global_id(1);
    const int i = (int) get_global_id(2);
    if (k >= inner || j >= b || i >= a) {
        return;
    }
    dst[(j * a + i) * inner + k] = src[(i * b + j) * inner + k];
}
