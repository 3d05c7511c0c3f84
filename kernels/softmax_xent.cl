/*
 * softmax_xent.cl: fused softmax + cross-entropy over logits (n, classes), row-major, labels int (n).
 *   softmax_xent_forward(probs, row_loss, logits, labels, n, classes): one work-item per row r;
 *       probs[r, :] = softmax(logits[r, :]); row_loss[r] = log(sum_j exp(z_j - max)) + max - z[label]
 *       (the row maximum is subtracted so exp() never overflows). The host rejects labels outside [0, classes)
 *       before launching; should one get through, it gives NaN rather than an out-of-bounds read. The mean over
 *       rows is taken by reduce.cl.
 *   softmax_xent_backward(dlogits, probs, labels, n, classes): one work-item per element;
 *       dlogits = (probs - onehot(label)) / n.
 * Dispatched by OpenClBackend.softmaxXentForward / softmaxXentBackward.
 */

__kernel void softmax_xent_forward(__global float *probs, __global float *row_loss, const __global float *logits,
                                   const __global int *labels, const int n, const int classes) {
    ELEMENT_INDEX(r, n)
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
    for (int j = 0; j < classes; j++) {
        p[j] = exp(z[j] - max_z) / sum;
    }
    const int label = labels[r];
    row_loss[r] = (label < 0 || label >= classes) ? NAN : log(sum) + max_z - z[label];
}

__kernel void softmax_xent_backward(__global float *dlogits, const __global float *probs,
                                    const __global int *labels, const int n, const int classes) {
    ELEMENT_INDEX(e, n * classes)
    const int r = e / classes;
    const float target = (e - r * classes) == labels[r] ? 1.0f : 0.0f;
    dlogits[e] = (probs[e] - target) / (float) n;
}
