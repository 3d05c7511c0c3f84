/*
 * conv.cl: the layout changes that turn a convolution into GEMMs (see Conv2dShape).
 * Geometry arguments: n, cin, h, w (input), kh, kw (kernel), sh, sw (stride), ph, pw (padding), oh, ow (output).
 *   x, dx: (n, cin, h, w), element (ni, ci, hh, ww) at ((ni*cin + ci)*h + hh)*w + ww
 *   col:   (cin*kh*kw, n*oh*ow), element (row, column) at row*(n*oh*ow) + column, with row = (ci*kh + dh)*kw + dw
 *          and column = (ni*oh + r)*ow + q; it holds x[ni, ci, r*sh - ph + dh, q*sw - pw + dw], 0 in the padding.
 *   im2col: one work-item per col element.
 *   col2im: one work-item per dx element, gathering the (dh, dw) taps that read it, in ascending order (the Java
 *           reference scatters in the same order, so the sums round identically); overwrites dx.
 *   swap_leading_axes(dst, src, a, b, inner): dst (b, a, inner) = src (a, b, inner); one work-item per element.
 * Dispatched by OpenClBackend.im2col / col2im / swapLeadingAxes.
 */

#define CONV_ARGS const int n, const int cin, const int h, const int w, const int kh, const int kw, const int sh, \
    const int sw, const int ph, const int pw, const int oh, const int ow

__kernel void im2col(__global float *col, const __global float *x, CONV_ARGS) {
    const int columns = n * oh * ow;
    ELEMENT_INDEX(e, cin * kh * kw * columns)
    const int row = e / columns;
    const int column = e - row * columns;
    const int dw = row % kw;
    const int dh = (row / kw) % kh;
    const int ci = row / (kw * kh);
    const int q = column % ow;
    const int r = (column / ow) % oh;
    const int ni = column / (ow * oh);
    const int hh = r * sh - ph + dh;
    const int ww = q * sw - pw + dw;
    const bool inside = hh >= 0 && hh < h && ww >= 0 && ww < w;
    col[e] = inside ? x[((ni * cin + ci) * h + hh) * w + ww] : 0.0f;
}

__kernel void col2im(__global float *dx, const __global float *col, CONV_ARGS) {
    ELEMENT_INDEX(e, n * cin * h * w)
    const int ww = e % w;
    const int hh = (e / w) % h;
    const int ci = (e / (w * h)) % cin;
    const int ni = e / (w * h * cin);
    const int columns = n * oh * ow;
    float sum = 0.0f;
    for (int dh = 0; dh < kh; dh++) {
        const int rs = hh + ph - dh; /* = r * sh when tap dh of output row r reads this input row */
        if (rs < 0 || rs % sh != 0 || rs / sh >= oh) {
            continue;
        }
        const int r = rs / sh;
        for (int dw = 0; dw < kw; dw++) {
            const int qs = ww + pw - dw;
            if (qs < 0 || qs % sw != 0 || qs / sw >= ow) {
                continue;
            }
            const int q = qs / sw;
            const int row = (ci * kh + dh) * kw + dw;
            sum += col[row * columns + (ni * oh + r) * ow + q];
        }
    }
    dx[e] = sum;
}

__kernel void swap_leading_axes(__global float *dst, const __global float *src, const int a, const int b,
                                const int inner) {
    ELEMENT_INDEX(e, a * b * inner)
    const int k = e % inner;
    const int j = (e / inner) % b;
    const int i = e / (inner * b);
    dst[(j * a + i) * inner + k] = src[e];
}
