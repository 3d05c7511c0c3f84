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
 * Every backward kernel also takes (gate, relu): with relu != 0, x is a ReLU's output (the ReLU fused into the
 * convolution before it) and dx is 0 wherever x <= 0, which is the ReLU's own backward folded in (x <= 0 exactly
 * where the ReLU's input was); with relu == 0 gate is never read. Average pooling's gate is x itself (dx's layout);
 * max pooling's is y (dy's layout): an output's gradient only reaches its arg-max, where x = y, so dropping dy
 * where y <= 0 is the same and reads a quarter of the data for 2x2 windows.
 * Work-groups are 3-D (PoolRoutine.LOCAL), so a group covers several rows and planes of small images.
 * Dispatched by PoolRoutine (OpenClBackend.maxPoolForward / maxPoolBackward / avgPoolForward / avgPoolBackward).
 */

/* A dx value v at element i of gate g's layout, through the fused ReLU's gradient when there is one. */
#define GATED(v, g, i) ((relu && (g)[i] <= 0.0f) ? 0.0f : (v))

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
                                const __global float *gate, const int relu, POOL_ARGS) {
    INPUT_INDEX
    const int self = r * w + q;
    const int base = plane * oh * ow;
    float sum = 0.0f;
    for (int orow = COVER_FIRST(r, ph, kh, sh); orow <= COVER_LAST(r, ph, sh, oh); orow++) {
        for (int ocol = COVER_FIRST(q, pw, kw, sw); ocol <= COVER_LAST(q, pw, sw, ow); ocol++) {
            const int o = base + orow * ow + ocol;
            if (argmax[o] == self) {
                sum += GATED(dy[o], gate, o);
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

__kernel void avg_pool_backward(__global float *dx, const __global float *dy, const __global float *gate,
                                const int relu, POOL_ARGS) {
    INPUT_INDEX
    const int base = plane * oh * ow;
    const float divisor = (float) (kh * kw);
    float sum = 0.0f;
    for (int orow = COVER_FIRST(r, ph, kh, sh); orow <= COVER_LAST(r, ph, sh, oh); orow++) {
        for (int ocol = COVER_FIRST(q, pw, kw, sw); ocol <= COVER_LAST(q, pw, sw, ow); ocol++) {
            sum += dy[base + orow * ow + ocol] / divisor;
        }
    }
    dx[e] = GATED(sum, gate, e);
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
                                        const __global float *gate, const int relu, POOL_ARGS) {
    OUTPUT_INDEX
    const float g = GATED(dy[o], gate, o);
    const int winner = argmax[o];
    __global float *out = dx + plane * h * w;
    for (int hh = BLOCK_FIRST(r, sh, ph); hh < BLOCK_END(r, sh, ph, oh, h); hh++) {
        for (int ww = BLOCK_FIRST(q, sw, pw); ww < BLOCK_END(q, sw, pw, ow, w); ww++) {
            out[hh * w + ww] = hh * w + ww == winner ? g : 0.0f;
        }
    }
}

__kernel void avg_pool_backward_scatter(__global float *dx, const __global float *dy, const __global float *gate,
                                        const int relu, POOL_ARGS) {
    OUTPUT_INDEX
    const float g = dy[o] / (float) (kh * kw);
    const int h0 = r * sh - ph;
    const int w0 = q * sw - pw;
    __global float *out = dx + plane * h * w;
    const __global float *in = gate + plane * h * w;
    for (int hh = BLOCK_FIRST(r, sh, ph); hh < BLOCK_END(r, sh, ph, oh, h); hh++) {
        for (int ww = BLOCK_FIRST(q, sw, pw); ww < BLOCK_END(q, sw, pw, ow, w); ww++) {
            /* Inside the window (which lies inside the block) the share of dy, else 0. */
            out[hh * w + ww] = (hh - h0 < kh && ww - w0 < kw) ? GATED(g, in, hh * w + ww) : 0.0f;
        }
    }
}

/*
 * The 2x2 window with stride 2, no padding, over even input sizes (h = 2*oh, w = 2*ow): the windows tile the input.
 * Work-item (chunk, r, plane) of the 3-D range (ceil(ow/4), oh, planes) computes outputs q0 = 4*chunk .. q0 + 3 of
 * row r as float4 from two float8 loads of the window rows (fewer lanes at the row's end); the results equal the
 * general kernels' (the same comparisons in the same window order, the same summation order).
 *   max_pool_forward_2x2 / avg_pool_forward_2x2: as max_pool_forward / avg_pool_forward.
 *   max_pool_backward_2x2 / avg_pool_backward_2x2: write the four dx cells of each output (its gradient or 0), so
 *       every dx element is written exactly once.
 */

#define CHUNK_2X2 \
    const int q0 = (int) get_global_id(0) * 4; \
    const int r = (int) get_global_id(1); \
    const int plane = (int) get_global_id(2); \
    if (q0 >= ow || r >= oh || plane >= planes) return; \
    const int o = (plane * oh + r) * ow + q0; \
    const int top = (plane * h + 2 * r) * w + 2 * q0; \
    const int lanes = min(4, ow - q0);

/* The four cells of the windows of outputs q0 .. q0 + lanes - 1 in row-major window order. Lanes past the row's
   end hold the next row's cells where those lie inside x (their results are never stored), else 0: only the last
   row of the last plane takes the element-wise path. */
inline void window_2x2(const __global float *x, const int top, const int w, const int lanes, const int size,
                       float4 *v0, float4 *v1, float4 *v2, float4 *v3) {
    float8 upper;
    float8 lower;
    if (lanes == 4 || top + w + 8 <= size) {
        upper = vload8(0, x + top);
        lower = vload8(0, x + top + w);
    } else {
        float a[8];
        float b[8];
        for (int i = 0; i < 8; i++) {
            a[i] = i < 2 * lanes ? x[top + i] : 0.0f;
            b[i] = i < 2 * lanes ? x[top + w + i] : 0.0f;
        }
        upper = vload8(0, a);
        lower = vload8(0, b);
    }
    *v0 = upper.even;
    *v1 = upper.odd;
    *v2 = lower.even;
    *v3 = lower.odd;
}

/* Stores the first lanes of a float4 / int4 at p. */
inline void store_f4(__global float *p, const float4 v, const int lanes) {
    if (lanes == 4) {
        vstore4(v, 0, p);
        return;
    }
    float tmp[4];
    vstore4(v, 0, tmp);
    for (int i = 0; i < lanes; i++) {
        p[i] = tmp[i];
    }
}

inline void store_i4(__global int *p, const int4 v, const int lanes) {
    if (lanes == 4) {
        vstore4(v, 0, p);
        return;
    }
    int tmp[4];
    vstore4(v, 0, tmp);
    for (int i = 0; i < lanes; i++) {
        p[i] = tmp[i];
    }
}

/* v with 0 wherever the first 2*lanes floats of gate at p are <= 0 (the fused ReLU's gradient), read as window_2x2
   reads; lanes past those are never stored. */
inline float8 gate_f8(const float8 v, const __global float *gate, const int p, const int lanes, const int size) {
    float8 g;
    if (lanes == 4 || p + 8 <= size) {
        g = vload8(0, gate + p);
    } else {
        float a[8];
        for (int i = 0; i < 8; i++) {
            a[i] = i < 2 * lanes ? gate[p + i] : 1.0f;
        }
        g = vload8(0, a);
    }
    return select(v, (float8) (0.0f), g <= (float8) (0.0f));
}

/* Stores the first 2*lanes floats of a float8 at p. */
inline void store_f8(__global float *p, const float8 v, const int lanes) {
    if (lanes == 4) {
        vstore8(v, 0, p);
        return;
    }
    float tmp[8];
    vstore8(v, 0, tmp);
    for (int i = 0; i < 2 * lanes; i++) {
        p[i] = tmp[i];
    }
}

__kernel void max_pool_forward_2x2(__global float *y, __global int *argmax, const __global float *x, POOL_ARGS) {
    CHUNK_2X2
    float4 v0, v1, v2, v3;
    window_2x2(x, top, w, lanes, planes * h * w, &v0, &v1, &v2, &v3);
    /* As max_pool_forward: strictly greater wins and any NaN takes over, in row-major window order. Starting from
       the first cell equals starting from -INFINITY there: either way the first cell is the best so far. */
    const int4 at = 2 * r * w + 2 * (q0 + (int4) (0, 1, 2, 3));
    float4 best = v0;
    int4 index = at;
    int4 take = isgreater(v1, best) | isnan(v1);
    best = select(best, v1, take);
    index = select(index, at + 1, take);
    take = isgreater(v2, best) | isnan(v2);
    best = select(best, v2, take);
    index = select(index, at + w, take);
    take = isgreater(v3, best) | isnan(v3);
    best = select(best, v3, take);
    index = select(index, at + w + 1, take);
    store_f4(y + o, best, lanes);
    store_i4(argmax + o, index, lanes);
}

__kernel void max_pool_backward_2x2(__global float *dx, const __global float *dy, const __global int *argmax,
                                    const __global float *gate, const int relu, POOL_ARGS) {
    CHUNK_2X2
    float4 g;
    int4 winner;
    if (lanes == 4 || o + 4 <= planes * oh * ow) {
        /* Lanes past the row's end read the next row's outputs; store_f8 stores none of their cells. */
        g = vload4(0, dy + o);
        winner = vload4(0, argmax + o);
        if (relu) {
            g = select(g, (float4) (0.0f), vload4(0, gate + o) <= (float4) (0.0f));
        }
    } else {
        float gs[4];
        int ws[4];
        for (int i = 0; i < 4; i++) {
            gs[i] = i < lanes ? GATED(dy[o + i], gate, o + i) : 0.0f;
            ws[i] = i < lanes ? argmax[o + i] : -1;
        }
        g = vload4(0, gs);
        winner = vload4(0, ws);
    }
    const int4 at = 2 * r * w + 2 * (q0 + (int4) (0, 1, 2, 3));
    const float4 zero = (float4) (0.0f);
    const float4 e0 = select(zero, g, winner == at);
    const float4 e1 = select(zero, g, winner == at + 1);
    const float4 e2 = select(zero, g, winner == at + w);
    const float4 e3 = select(zero, g, winner == at + w + 1);
    store_f8(dx + top, (float8) (e0.s0, e1.s0, e0.s1, e1.s1, e0.s2, e1.s2, e0.s3, e1.s3), lanes);
    store_f8(dx + top + w, (float8) (e2.s0, e3.s0, e2.s1, e3.s1, e2.s2, e3.s2, e2.s3, e3.s3), lanes);
}

__kernel void avg_pool_forward_2x2(__global float *y, const __global float *x, POOL_ARGS) {
    CHUNK_2X2
    float4 v0, v1, v2, v3;
    window_2x2(x, top, w, lanes, planes * h * w, &v0, &v1, &v2, &v3);
    /* The general kernel's order: 0 + v0 (exact), + v1, + v2, + v3, then the division. */
    store_f4(y + o, (((v0 + v1) + v2) + v3) / 4.0f, lanes);
}

__kernel void avg_pool_backward_2x2(__global float *dx, const __global float *dy, const __global float *gate,
                                    const int relu, POOL_ARGS) {
    CHUNK_2X2
    float4 g;
    if (lanes == 4 || o + 4 <= planes * oh * ow) {
        g = vload4(0, dy + o); /* as max_pool_backward_2x2 */
    } else {
        float gs[4];
        for (int i = 0; i < 4; i++) {
            gs[i] = i < lanes ? dy[o + i] : 0.0f;
        }
        g = vload4(0, gs);
    }
    g = g / 4.0f;
    const float8 pairs = (float8) (g.s0, g.s0, g.s1, g.s1, g.s2, g.s2, g.s3, g.s3);
    if (relu) {
        store_f8(dx + top, gate_f8(pairs, gate, top, lanes, planes * h * w), lanes);
        store_f8(dx + top + w, gate_f8(pairs, gate, top + w, lanes, planes * h * w), lanes);
    } else {
        store_f8(dx + top, pairs, lanes);
        store_f8(dx + top + w, pairs, lanes);
    }
}
