/*
 * pool.cl: 2-D max and average pooling over NCHW, PyTorch floor mode.
 * Geometry arguments: planes = n*c, input (h, w), window (kh, kw), stride (sh, sw), padding (ph, pw), output (oh, ow).
 *   x, dx: planes * h * w floats, element (plane, r, q) at (plane*h + r)*w + q
 *   y, dy, argmax: planes * oh * ow, element (plane, r, q) at (plane*oh + r)*ow + q;
 *   argmax holds the winning input's index r*w + q within its plane.
 * Forward kernels: one work-item per output element, 3-D range (ow, oh, planes). Backward kernels: one work-item per
 * input element, 3-D range (w, h, planes), gathering
 * from the outputs whose windows cover it (no atomics; the sum runs in output order, as the Java reference scatters);
 * for windows that do not overlap, the *_scatter forms below write each output's block of dx instead.
 * Work-groups are 3-D (PoolRoutine.LOCAL), so a group covers several rows and planes of small images.
 * Dispatched by PoolRoutine (OpenClBackend.maxPoolForward / maxPoolBackward / avgPoolForward / avgPoolBackward).
 */

#define POOL_ARGS const int planes, const int h, const int w, const int kh, const int kw, const int sh, \
    const int sw, const int ph, const int pw, const int oh, const int ow

/* Outputs r whose window [r*s - pad, r*s - pad + k) covers input row i: ceil((i + pad - k + 1)/s) <= r <= (i + pad)/s. */
#define COVER_FIRST(i, pad, k, s) max(0, ((i) + (pad) - (k) + (s)) / (s))
#define COVER_LAST(i, pad, s, outn) min((outn) - 1, ((i) + (pad)) / (s))

/* Forward kernels run over the 3-D range (ow, oh, planes), backward ones over (w, h, planes): no divisions. */
#define OUTPUT_INDEX \
    const int q = (int) get_global_id(0); \
    const int r = (int) get_global_id(1); \
    const int plane = (int) get_global_id(2); \
    if (q >= ow || r >= oh || plane >= planes) return; \
    const int o = (plane * oh + r) * ow + q;
#define INPUT_INDEX \
    const int q = (int) get_global_id(0); \
    const int r = (int) get_global_id(1); \
    const int plane = (int) get_global_id(2); \
    if (q >= w || r >= h || plane >= planes) return; \
    const int e = (plane * h + r) * w + q;

__kernel void max_pool_forward(__global float *y, __global int *argmax, const __global float *x, POOL_ARGS) {
    OUTPUT_INDEX
    const int h0 = r * sh - ph;
    const int w0 = q * sw - pw;
    const int hs = max(h0, 0);
    const int ws = max(w0, 0);
    const int he = min(h0 + kh, h);
    const int we = min(w0 + kw, w);
    const __global float *in = x + plane * h * w;
    float best = -INFINITY;
    int best_index = hs * w + ws;
    if (ph == 0 && pw == 0) {
        /* Without padding every window lies inside the input (floor mode): the same trip counts for all work-items,
           which keeps the loops vectorisable. */
        for (int dh = 0; dh < kh; dh++) {
            for (int dw = 0; dw < kw; dw++) {
                const int at = (h0 + dh) * w + w0 + dw;
                const float v = in[at];
                /* As PyTorch: strictly greater wins, and any NaN takes over. */
                const bool take = v > best || isnan(v);
                best = take ? v : best;
                best_index = take ? at : best_index;
            }
        }
    } else {
        for (int hh = hs; hh < he; hh++) {
            for (int ww = ws; ww < we; ww++) {
                const float v = in[hh * w + ww];
                if (v > best || isnan(v)) {
                    best = v;
                    best_index = hh * w + ww;
                }
            }
        }
    }
    y[o] = best;
    argmax[o] = best_index;
}

__kernel void max_pool_backward(__global float *dx, const __global float *dy, const __global int *argmax,
                                POOL_ARGS) {
    INPUT_INDEX
    const int self = r * w + q;
    const int base = plane * oh * ow;
    float sum = 0.0f;
    for (int orow = COVER_FIRST(r, ph, kh, sh); orow <= COVER_LAST(r, ph, sh, oh); orow++) {
        for (int ocol = COVER_FIRST(q, pw, kw, sw); ocol <= COVER_LAST(q, pw, sw, ow); ocol++) {
            const int o = base + orow * ow + ocol;
            if (argmax[o] == self) {
                sum += dy[o];
            }
        }
    }
    dx[e] = sum;
}

__kernel void avg_pool_forward(__global float *y, const __global float *x, POOL_ARGS) {
    OUTPUT_INDEX
    const int h0 = r * sh - ph;
    const int w0 = q * sw - pw;
    const __global float *in = x + plane * h * w;
    float sum = 0.0f;
    for (int hh = max(h0, 0); hh < min(h0 + kh, h); hh++) {
        for (int ww = max(w0, 0); ww < min(w0 + kw, w); ww++) {
            sum += in[hh * w + ww];
        }
    }
    /* count_include_pad: padded cells count; in floor mode every window lies inside the padded input. */
    y[o] = sum / (float) (kh * kw);
}

__kernel void avg_pool_backward(__global float *dx, const __global float *dy, POOL_ARGS) {
    INPUT_INDEX
    const int base = plane * oh * ow;
    const float divisor = (float) (kh * kw);
    float sum = 0.0f;
    for (int orow = COVER_FIRST(r, ph, kh, sh); orow <= COVER_LAST(r, ph, sh, oh); orow++) {
        for (int ocol = COVER_FIRST(q, pw, kw, sw); ocol <= COVER_LAST(q, pw, sw, ow); ocol++) {
            sum += dy[base + orow * ow + ocol] / divisor;
        }
    }
    dx[e] = sum;
}

/*
 * Block forms of the backward kernels, for windows that do not overlap (stride >= window in both directions), so
 * every input lies in at most one window. Work-item (q, r, plane) of the 3-D range (ow, oh, planes) owns the block of
 * dx rows [r*sh - ph, (r+1)*sh - ph) and columns [q*sw - pw, (q+1)*sw - pw), clipped to the input, the last output
 * row (column) also owning the rows (columns) below (right of) it that no window covers. The blocks tile dx, so each
 * dx element is written exactly once, with its gradient or 0: no fill beforehand and no division per element.
 */

/* The first and one-past-last input index of output i's block along one axis. */
#define BLOCK_FIRST(i, s, pad) max(0, (i) * (s) - (pad))
#define BLOCK_END(i, s, pad, outn, inn) (((i) == (outn) - 1) ? (inn) : min((inn), ((i) + 1) * (s) - (pad)))

__kernel void max_pool_backward_scatter(__global float *dx, const __global float *dy, const __global int *argmax,
                                        POOL_ARGS) {
    OUTPUT_INDEX
    const float g = dy[o];
    const int winner = argmax[o];
    __global float *out = dx + plane * h * w;
    for (int hh = BLOCK_FIRST(r, sh, ph); hh < BLOCK_END(r, sh, ph, oh, h); hh++) {
        for (int ww = BLOCK_FIRST(q, sw, pw); ww < BLOCK_END(q, sw, pw, ow, w); ww++) {
            out[hh * w + ww] = hh * w + ww == winner ? g : 0.0f;
        }
    }
}

__kernel void avg_pool_backward_scatter(__global float *dx, const __global float *dy, POOL_ARGS) {
    OUTPUT_INDEX
    const float g = dy[o] / (float) (kh * kw);
    const int h0 = r * sh - ph;
    const int w0 = q * sw - pw;
    __global float *out = dx + plane * h * w;
    for (int hh = BLOCK_FIRST(r, sh, ph); hh < BLOCK_END(r, sh, ph, oh, h); hh++) {
        for (int ww = BLOCK_FIRST(q, sw, pw); ww < BLOCK_END(q, sw, pw, ow, w); ww++) {
            /* Inside the window (which lies inside the block) the share of dy, else 0. */
            out[hh * w + ww] = (hh - h0 < kh && ww - w0 < kw) ? g : 0.0f;
        }
    }
}

/*
 * The 2x2 window with stride 2, no padding, over even input sizes (h = 2*oh, w = 2*ow): the windows tile the input.
 * One work-item per output element, 3-D range (ow, oh, planes), with no loop in the body, so POCL vectorises the
 * work-items along a row; the results equal the general kernels' (same comparisons and summation order).
 *   max_pool_forward_2x2 / avg_pool_forward_2x2: as max_pool_forward / avg_pool_forward.
 *   max_pool_backward_2x2 / avg_pool_backward_2x2: write the output's four dx cells (its gradient or 0), so every
 *       dx element is written exactly once.
 */

#define WINDOW_2X2 \
    OUTPUT_INDEX \
    const int top = (plane * h + 2 * r) * w + 2 * q;

__kernel void max_pool_forward_2x2(__global float *y, __global int *argmax, const __global float *x, POOL_ARGS) {
    WINDOW_2X2
    const float v0 = x[top];
    const float v1 = x[top + 1];
    const float v2 = x[top + w];
    const float v3 = x[top + w + 1];
    /* Row-major window order; strictly greater wins and any NaN takes over, as max_pool_forward. Starting from the
       first cell equals starting from -INFINITY there: either way the first cell is the best so far. */
    const int at = 2 * r * w + 2 * q;
    float best = v0;
    int best_index = at;
    bool take = v1 > best || isnan(v1);
    best = take ? v1 : best;
    best_index = take ? at + 1 : best_index;
    take = v2 > best || isnan(v2);
    best = take ? v2 : best;
    best_index = take ? at + w : best_index;
    take = v3 > best || isnan(v3);
    best = take ? v3 : best;
    best_index = take ? at + w + 1 : best_index;
    y[o] = best;
    argmax[o] = best_index;
}

__kernel void max_pool_backward_2x2(__global float *dx, const __global float *dy, const __global int *argmax,
                                    POOL_ARGS) {
    WINDOW_2X2
    const float g = dy[o];
    const int winner = argmax[o];
    const int at = 2 * r * w + 2 * q;
    dx[top] = winner == at ? g : 0.0f;
    dx[top + 1] = winner == at + 1 ? g : 0.0f;
    dx[top + w] = winner == at + w ? g : 0.0f;
    dx[top + w + 1] = winner == at + w + 1 ? g : 0.0f;
}

__kernel void avg_pool_forward_2x2(__global float *y, const __global float *x, POOL_ARGS) {
    WINDOW_2X2
    float sum = 0.0f;
    sum += x[top];
    sum += x[top + 1];
    sum += x[top + w];
    sum += x[top + w + 1];
    y[o] = sum / 4.0f;
}

__kernel void avg_pool_backward_2x2(__global float *dx, const __global float *dy, POOL_ARGS) {
    WINDOW_2X2
    const float g = dy[o] / 4.0f;
    dx[top] = g;
    dx[top + 1] = g;
    dx[top + w] = g;
    dx[top + w + 1] = g;
}
