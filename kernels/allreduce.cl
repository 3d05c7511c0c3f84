/*
 * allreduce.cl: the device-side sum of the data-parallel all-reduce (parallel.GradientAllReduce).
 *   weighted_sum_all(count, terms, outputs, g0, g1, g2, g3, w0, w1, w2, w3):
 *       s = w0*g0[i]; s = s + w1*g1[i]; ... over the first `terms` buffers, in that order (each product rounded to
 *       float before the add, as common.cl switches contraction off), then g0[i] = g1[i] = ... = s over the first
 *       `outputs` buffers, i < count. The same float operations in the same order as the host's sum in
 *       GradientAllReduce, so both paths give the same bits. terms <= outputs <= 4; slots past `outputs` may repeat
 *       g0 and are never touched. The buffers may belong to other devices' replicas, mapped into this context
 *       (DeviceGradientSum); each element is read and written by its own work-item only.
 * Work-item g handles the SUM_WIDTH consecutive elements from g*SUM_WIDTH, 1-D range ceil(count/SUM_WIDTH): one
 * vector load and store per buffer (vloadN/vstoreN need only a float's alignment, so any offset works), the last
 * work-item element by element where count is not a multiple. Lane by lane the vector operations are the scalar ones,
 * so every width gives the same bits. On a CPU float16 moves the 0.8 M elements of a layer's gradients about twice
 * as fast under POCL as one element per work-item; GPUs take width 1, which keeps loads coalesced.
 * Dispatched by DeviceGradientSum.
 */

#ifndef SUM_WIDTH
#define SUM_WIDTH 1 /* elements per work-item of weighted_sum_all, 1, 2, 4, 8 or 16: KernelTuning.sumWidth */
#endif

#define SUM_CAT_(a, b) a##b
#define SUM_CAT(a, b) SUM_CAT_(a, b)
#if SUM_WIDTH == 1
#define sum_vector float
#define SUM_LOAD(g, p) (p)[g]
#define SUM_STORE(v, g, p) (p)[g] = (v)
#else
#define sum_vector SUM_CAT(float, SUM_WIDTH)
#define SUM_LOAD(g, p) SUM_CAT(vload, SUM_WIDTH)(g, p)
#define SUM_STORE(v, g, p) SUM_CAT(vstore, SUM_WIDTH)(v, g, p)
#endif

__kernel void weighted_sum_all(const int count, const int terms, const int outputs, __global float *g0,
                               __global float *g1, __global float *g2, __global float *g3, const float w0,
                               const float w1, const float w2, const float w3) {
    const int g = (int) get_global_id(0);
    const int start = g * SUM_WIDTH;
    if (start >= count) {
        return;
    }
    if (count - start >= SUM_WIDTH) {
        sum_vector s = w0 * SUM_LOAD(g, g0);
        if (terms > 1) {
            const sum_vector t = w1 * SUM_LOAD(g, g1);
            s = s + t;
        }
        if (terms > 2) {
            const sum_vector t = w2 * SUM_LOAD(g, g2);
            s = s + t;
        }
        if (terms > 3) {
            const sum_vector t = w3 * SUM_LOAD(g, g3);
            s = s + t;
        }
        SUM_STORE(s, g, g0);
        if (outputs > 1) {
            SUM_STORE(s, g, g1);
        }
        if (outputs > 2) {
            SUM_STORE(s, g, g2);
        }
        if (outputs > 3) {
            SUM_STORE(s, g, g3);
        }
        return;
    }
    for (int i = start; i < count; i++) { /* the tail, shorter than a vector */
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
}
