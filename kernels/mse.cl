/*
 * mse.cl: mean squared error over count elements (pred, target, dpred all count floats).
 *   mse_forward_terms(terms, pred, target, count): terms[i] = (pred[i] - target[i])^2; reduce.cl takes the mean.
 *   mse_backward(dpred, pred, target, count):      dpred[i] = 2 (pred[i] - target[i]) / count (overwrites).
 * One work-item per element. Dispatched by OpenClBackend.mseForward / mseBackward.
 */

__kernel void mse_forward_terms(__global float *terms, const __global float *pred, const __global float *target,
                                const int count) {
    ELEMENT_INDEX(i, count)
    const float d = pred[i] - target[i];
    terms[i] = d * d;
}

__kernel void mse_backward(__global float *dpred, const __global float *pred, const __global float *target,
                           const int count) {
    ELEMENT_INDEX(i, count)
    dpred[i] = 2.0f * (pred[i] - target[i]) / (float) count;
}
