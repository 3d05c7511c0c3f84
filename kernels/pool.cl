/*
 * pool.cl: 2-D max and average pooling over NCHW, PyTorch floor mode.
 * Geometry arguments: planes = n*c, input (h, w), window (kh, kw), stride (sh, sw), padding (ph, pw), output (oh, ow).
 *   x, dx: planes * h * w floats, element (plane, r, q) at (plane*h + r)*w + q
 *   y, dy, argmax: planes * oh * ow, element (plane, r, q) at (plane*oh + r)*ow + q;
 *   argmax holds the winning input's index r*w + q within its plane.
 * Forward kernels: one work-item per output element, 3-D range (ow, oh, planes). Backward kernels: one work-item per
 * input element, 3-D range (w, h, planes), gathering
 * from the outputs whose windows cover it (no atomics; the sum runs in output order, as the Java reference scatters).
 * Dispatched by OpenClBackend.maxPoolForward / maxPoolBackward / avgPoolForward / avgPoolBackward.
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
 * Scatter forms of the backward kernels, for windows that do not overlap (stride >= window in both directions), so
 * every input receives at most one output's gradient and plain stores suffice. dx must be zeroed first (inputs no
 * window covers keep 0). 3-D range (ow, oh, planes), like the forward kernels; no division per element.
 */

__kernel void max_pool_backward_scatter(__global float *dx, const __global float *dy, const __global int *argmax,
                                        POOL_ARGS) {
    OUTPUT_INDEX
    dx[plane * h * w + argmax[o]] = dy[o];
}

__kernel void avg_pool_backward_scatter(__global float *dx, const __global float *dy, POOL_ARGS) {
    OUTPUT_INDEX
    const float g = dy[o] / (float) (kh * kw);
    const int h0 = r * sh - ph;
    const int w0 = q * sw - pw;
    __global float *out = dx + plane * h * w;
    for (int hh = max(h0, 0); hh < min(h0 + kh, h); hh++) {
        for (int ww = max(w0, 0); ww < min(w0 + kw, w); ww++) {
            out[hh * w + ww] = g;
        }
    }
}
