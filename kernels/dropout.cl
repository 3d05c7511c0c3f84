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

/* One Philox-4x32 round: two 32x32->64-bit products (as ulong, which POCL vectorises; mul_hi it did not), their
 * halves mixed with the other words and the key. */
inline uint4 philox_round(const uint4 c, const uint k0, const uint k1) {
    const ulong p0 = (ulong) 0xD2511F53u * c.x;
    const ulong p1 = (ulong) 0xCD9E8D57u * c.z;
    return (uint4) ((uint) (p1 >> 32) ^ c.y ^ k0, (uint) p1, (uint) (p0 >> 32) ^ c.w ^ k1, (uint) p0);
}

/* Philox-4x32-10 of counter c under key (k0, k1), the key bumped by the Weyl constants between rounds; unrolled,
 * since POCL vectorises straight-line work-items across the work-group far better than a loop. */
inline uint4 philox4x32_10(uint4 c, uint k0, uint k1) {
#pragma unroll
    for (int round = 0; round < 9; round++) {
        c = philox_round(c, k0, k1);
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    return philox_round(c, k0, k1);
}

/* out[i] = kept ? in[i] * scale : 0 for the work-item's four elements (fewer at a row's end); both directions. */
inline void dropout_apply(__global float *out, const __global float *in, const int rows, const int row_length,
                          const int first_row, const uint seed_lo, const uint seed_hi, const uint step,
                          const uint layer, const uint threshold, const float scale) {
    const int groups = (row_length + 3) / 4;
    const int gid = (int) get_global_id(0);
    if (gid >= rows * groups) return;
    const int r = gid / groups;
    const int g = gid - r * groups;
    const int e0 = 4 * g;
    const uint4 w = philox4x32_10((uint4) ((uint) g, (uint) (first_row + r), step, layer), seed_lo, seed_hi);
    const int i = r * row_length + e0;
    const int n = min(4, row_length - e0);
    if (n == 4) { /* vload4/vstore4 need only float alignment, so odd row lengths are fine */
        const float4 v = vload4(0, in + i) * scale;
        vstore4((float4) (w.x >= threshold ? v.x : 0.0f, w.y >= threshold ? v.y : 0.0f,
                          w.z >= threshold ? v.z : 0.0f, w.w >= threshold ? v.w : 0.0f), 0, out + i);
        return;
    }
    out[i] = w.x >= threshold ? in[i] * scale : 0.0f;
    if (n > 1) out[i + 1] = w.y >= threshold ? in[i + 1] * scale : 0.0f;
    if (n > 2) out[i + 2] = w.z >= threshold ? in[i + 2] * scale : 0.0f;
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
