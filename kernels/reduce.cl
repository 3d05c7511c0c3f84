/*
 * reduce.cl: reduce_sum(out, x, count, scale): out[g] = scale * sum of x over chunk g of count elements, where
 * chunk = ceil(count / groups) and groups = get_num_groups(0). Work-groups of REDUCE_LOCAL work-items; each
 * work-item sums a strided share with Kahan compensation, then a tree in local memory. The order is fixed, so the
 * result is deterministic. The host runs it with many groups, then once more with one group over the partial sums.
 * Dispatched by ReduceSumRoutine: OpenClBackend.reduceSum and the loss ops' means.
 *
 * sum_squares(out, x, count, square, accumulate): out[g] = (accumulate ? out[g] : 0) + the sum over chunk g of
 * x[i]*x[i] (square != 0) or x[i] (square == 0), with the same chunks, Kahan shares and tree as reduce_sum. The host
 * squares in the first pass and adds the partial sums in the second, so out[0] += sum of squares; a gradient norm
 * is this over each parameter in turn. Dispatched by ReduceSumRoutine: OpenClBackend.sumSquares.
 */

#ifndef REDUCE_LOCAL
#define REDUCE_LOCAL 256 /* work-group size; a power of two */
#endif

__kernel __attribute__((reqd_work_group_size(REDUCE_LOCAL, 1, 1)))
void reduce_sum(__global float *out, const __global float *x, const int count, const float scale) {
    __local float partial[REDUCE_LOCAL];
    const int lid = (int) get_local_id(0);
    const int groups = (int) get_num_groups(0);
    const int g = (int) get_group_id(0);
    const int chunk = (count + groups - 1) / groups;
    const int start = g * chunk;
    const int end = min(start + chunk, count);
    float sum = 0.0f;
    float carry = 0.0f;
    for (int i = start + lid; i < end; i += REDUCE_LOCAL) {
        const float term = x[i] - carry;
        const float next = sum + term;
        carry = (next - sum) - term;
        sum = next;
    }
    partial[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = REDUCE_LOCAL / 2; stride > 0; stride /= 2) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        out[g] = partial[0] * scale;
    }
}

__kernel __attribute__((reqd_work_group_size(REDUCE_LOCAL, 1, 1)))
void sum_squares(__global float *out, const __global float *x, const int count, const int square,
                 const int accumulate) {
    __local float partial[REDUCE_LOCAL];
    const int lid = (int) get_local_id(0);
    const int groups = (int) get_num_groups(0);
    const int g = (int) get_group_id(0);
    const int chunk = (count + groups - 1) / groups;
    const int start = g * chunk;
    const int end = min(start + chunk, count);
    float sum = 0.0f;
    float carry = 0.0f;
    for (int i = start + lid; i < end; i += REDUCE_LOCAL) {
        const float v = x[i];
        const float term = (square ? v * v : v) - carry;
        const float next = sum + term;
        carry = (next - sum) - term;
        sum = next;
    }
    partial[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = REDUCE_LOCAL / 2; stride > 0; stride /= 2) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        out[g] = accumulate ? out[g] + partial[0] : partial[0];
    }
}
