/*
 * softmax_xent.cl: fused softmax + cross-entropy over logits (n, classes), row-major, labels int (n).
 *   softmax_xent_forward(probs, dlogits, loss, logits, labels, n, classes, scale, with_grad): ONE work-group of
 *       XENT_LOCAL work-items (1-D range XENT_LOCAL); work-item lid takes rows lid, lid + XENT_LOCAL, ... and
 *       for each row r probs[r, :] = softmax(logits[r, :]), with with_grad = 1 also dlogits[r, :] as
 *       softmax_xent_backward computes it from those probs (the same float operations, so the same bits), and the
 *       row's loss log(sum_j exp(z_j - max)) + max - z[label] (the row maximum is subtracted so exp() never
 *       overflows), summed with Kahan compensation; then a tree in local memory, and loss[0] = scale * the total.
 *       The order is fixed, so the result is deterministic. The loss is summed here rather than by reduce.cl, and the
 *       gradient written here rather than by softmax_xent_backward, so that a training step launches two kernels
 *       fewer: on POCL every distinct kernel costs a code generation (~0.1-0.15 s) in a cold first step. With
 *       with_grad = 0, dlogits is not touched (the host passes probs). One group is enough for a batch (a few thousand
 *       rows of a few classes at most). The host rejects labels outside [0, classes) before launching; should one
 *       get through, the row's loss is NaN rather than an out-of-bounds read.
 *   softmax_xent_backward(dlogits, probs, labels, n, classes): one work-item per element;
 *       dlogits = (probs - onehot(label)) / n.
 * Dispatched by OpenClBackend.softmaxXentForward / softmaxXentBackward.
 */

#ifndef XENT_LOCAL
#define XENT_LOCAL 256 /* work-group size of softmax_xent_forward; a power of two */
#endif

__kernel __attribute__((reqd_work_group_size(XENT_LOCAL, 1, 1)))
void softmax_xent_forward(__global float *probs, __global float *dlogits, __global float *loss,
                          const __global float *logits, const __global int *labels, const int n, const int classes,
                          const float scale, const int with_grad) {
    __local float partial[XENT_LOCAL];
    const int lid = (int) get_local_id(0);
    float total = 0.0f;
    float carry = 0.0f;
    for (int r = lid; r < n; r += XENT_LOCAL) {
        const __global float *z = logits + r * classes;
        __global float *p = probs + r * classes;
        float max_z = -INFINITY;
        for (int j = 0; j < classes; j++) {
            max_z = fmax(max_z, z[j]);
        }
        float sum = 0.0f;
        for (int j = 0; j < classes; j++) {
            sum += exp(z[j] - max_z);
        }
        const int label = labels[r];
        for (int j = 0; j < classes; j++) {
            const float pj = exp(z[j] - max_z) / sum;
            p[j] = pj;
            if (with_grad) {
                dlogits[r * classes + j] = (pj - (j == label ? 1.0f : 0.0f)) / (float) n;
            }
        }
        const float row_loss = (label < 0 || label >= classes) ? NAN : log(sum) + max_z - z[label];
        const float term = row_loss - carry;
        const float next = total + term;
        carry = (next - total) - term;
        total = next;
    }
    partial[lid] = total;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = XENT_LOCAL / 2; stride > 0; stride /= 2) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        loss[0] = partial[0] * scale;
    }
}

__kernel void softmax_xent_backward(__global float *dlogits, const __global float *probs,
                                    const __global int *labels, const int n, const int classes) {
    ELEMENT_INDEX(e, n * classes)
    const int r = e / classes;
    const float target = (e - r * classes) == labels[r] ? 1.0f : 0.0f;
    dlogits[e] = (probs[e] - target) / (float) n;
}
