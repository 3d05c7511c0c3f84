/*
 * allreduce.cl: the device-side sum of the data-parallel all-reduce (parallel.GradientAllReduce).
 *   weighted_sum_all(count, terms, outputs, g0, g1, g2, g3, w0, w1, w2, w3):
 *       s = w0*g0[i]; s = s + w1*g1[i]; ... over the first `terms` buffers, in that order (each product rounded to
 *       float before the add, as common.cl switches contraction off), then g0[i] = g1[i] = ... = s over the first
 *       `outputs` buffers, i < count. The same float operations in the same order as the host's sum in
 *       GradientAllReduce, so both paths give the same bits. terms <= outputs <= 4; slots past `outputs` may repeat
 *       g0 and are never touched. The buffers may belong to other devices' replicas, mapped into this context
 *       (DeviceGradientSum); each element is read and written by its own work-item only.
 * One work-item per element. Dispatched by DeviceGradientSum.
 */

__kernel void weighted_sum_all(const int count, const int terms, const int outputs, __global float *g0,
                               __global float *g1, __global float *g2, __global float *g3, const float w0,
                               const float w1, const float w2, const float w3) {
    ELEMENT_INDEX(i, count)
    float s = w0 * g0[i];
    if (terms > 1) {
        const float t = w1 * g1[i];
        s = s + t;
    }
    if (terms > 2) {
        const float t = w2 * g2[i];
        s = s + t;
    }
    if (terms > 3) {
        const float t = w3 * g3[i];
        s = s + t;
    }
    g0[i] = s;
    if (outputs > 1) {
        g1[i] = s;
    }
    if (outputs > 2) {
        g2[i] = s;
    }
    if (outputs > 3) {
        g3[i] = s;
    }
}
