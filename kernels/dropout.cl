/*
 * dropout.cl: inverted dropout over rows x, y, dx, dy of rows*row_length floats, row-major (element e of row r at
 * r*row_length + e). Which elements are kept is Philox-4x32-10 (Salmon et al., SC11), the function DropoutDraw.keeps
 * computes in Java: element e of global row g = first_row + r is kept when word e%4 of
 * philox(counter (e/4, g, step, layer), key (seed_lo, seed_hi)) >= threshold (unsigned), threshold = floor(p*2^32).
 *   dropout_forward(y, x, ...):    y[i]  = kept ? x[i]  * scale : 0   (scale = 1/(1-p))
 *   dropout_backward(dx, dy, ...): dx[i] = kept ? dy[i] * scale : 0   (overwrites dx; the mask is drawn again from
 *       the same key instead of being stored, so the layer keeps no mask buffer)
 * One work-item per 4 elements of a row (one Philox call), 1-D range rows*ceil(row_length/4).
 * Dispatched by OpenClBackend.dropoutForward / dropoutBackward.
 */

/* No tunables: a work-item's run is the four words of one Philox call, fixed by the generator. */

/* Philox-4x32-10 of counter c under key (k0, k1). */
inline uint4 philox4x32_10(uint4 c, uint k0, uint k1) {
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        const uint hi0 = mul_hi(0xD2511F53u, c.x);
        const uint lo0 = 0xD2511F53u * c.x;
        const uint hi1 = mul_hi(0xCD9E8D57u, c.z);
        const uint lo1 = 0xCD9E8D57u * c.z;
        c = (uint4) (hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0);
    }
    return c;
}

/* out[i] = kept ? in[i] * scale : 0 for the work-item's elements; shared by both directions. */
inline void dropout_apply(__global float *out, const __global float *in, const int rows, const int row_length,
                          const int first_row, const uint seed_lo, const uint seed_hi, const uint step,
                          const uint layer, const uint threshold, const float scale) {
    const int groups = (row_length + 4 - 1) / 4;
    const int gid = (int) get_global_id(0);
    if (gid >= rows * groups) return;
    const int r = gid / groups;
    const int e0 = (gid - r * groups) * 4;
    const uint4 w = philox4x32_10((uint4) ((uint) (e0 / 4), (uint) (first_row + r), step, layer),
                                  seed_lo, seed_hi);
    const uint words[4] = {w.x, w.y, w.z, w.w};
    const int end = min(e0 + 4, row_length);
    for (int e = e0; e < end; e++) {
        const int i = r * row_length + e;
        out[i] = words[e - e0] >= threshold ? in[i] * scale : 0.0f;
    }
}

__kernel void dropout_forward(__global float *y, const __global float *x, const int rows, const int row_length,
                              const int first_row, const uint seed_lo, const uint seed_hi, const uint step,
                              const uint layer, const uint threshold, const float scale) {
    dropout_apply(y, x, rows, row_length, first_row, seed_lo, seed_hi, step, layer, threshold, scale);
}

__kernel void dropout_backward(__global float *dx, const __global float *dy, const int rows, const int row_length,
                               const int first_row, const uint seed_lo, const uint seed_hi, const uint step,
                               const uint layer, const uint threshold, const float scale) {
    dropout_apply(dx, dy, rows, row_length, first_row, seed_lo, seed_hi, step, layer, threshold, scale);
}
