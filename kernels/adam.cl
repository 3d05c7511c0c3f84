/*
 * adam.cl: in-place Adam and AdamW with PyTorch's torch.optim semantics over count floats (param, exp_avg m,
 * exp_avg_sq v, max_exp_avg_sq vmax, grad), in the float operations of its single-tensor implementation:
 *   adam_update(param, m, v, vmax, grad, count, l2, decay, weight, beta2, value, bc2_sqrt, eps, neg_step, amsgrad):
 *       w = param * decay                          (decay = 1 - lr * wd for AdamW, else 1)
 *       g = grad + l2 * param                      (l2 = wd for Adam, else 0 and skipped)
 *       m = lerp(m, g, weight)                     (weight = 1 - beta1, PyTorch's two-sided lerp)
 *       v = v * beta2 + value * g * g              (value = 1 - beta2)
 *       s = amsgrad ? (vmax = max(vmax, v)) : v    (NaN wins, as torch.maximum)
 *       param = w + neg_step * m / (sqrt(s) / bc2_sqrt + eps)   (neg_step = -lr / (1 - beta1^t))
 * The scalars are computed by the host (AdamHyper) in double and rounded once to float.
 * Work-item g updates the ADAM_RUN consecutive elements from g*ADAM_RUN (fewer for the last), 1-D range
 * ceil(count/ADAM_RUN): runs of 16 on CPUs, where POCL streams a run faster, runs of 1 on GPUs for coalesced
 * loads. Same float operations in the same order as CpuBackend.adamUpdate. The host builds
 * this file with -cl-fp32-correctly-rounded-divide-sqrt, so sqrt and the divisions round as Java's do.
 * Dispatched by OpenClBackend.adamUpdate.
 */

#ifndef ADAM_RUN
#define ADAM_RUN 1 /* elements per work-item of adam_update: KernelTuning.adamRun */
#endif

__kernel void adam_update(__global float *param, __global float *exp_avg, __global float *exp_avg_sq,
                          __global float *max_exp_avg_sq, const __global float *grad, const int count,
                          const float l2, const float decay, const float weight, const float beta2,
                          const float value, const float bc2_sqrt, const float eps, const float neg_step,
                          const int amsgrad) {
    const int start = (int) get_global_id(0) * ADAM_RUN;
    const int end = min(start + ADAM_RUN, count);
    for (int i = start; i < end; i++) {
        const float p = param[i];
        const float w = p * decay;
        float g = grad[i];
        if (l2 != 0.0f) {
            g = g + l2 * p;
        }
        float m = exp_avg[i];
        m = fabs(weight) < 0.5f ? m + weight * (g - m) : g - (g - m) * (1.0f - weight);
        exp_avg[i] = m;
        float v = exp_avg_sq[i] * beta2;
        v = v + value * g * g;
        exp_avg_sq[i] = v;
        if (amsgrad) {
            const float a = max_exp_avg_sq[i];
            v = (a != a || a > v) ? a : v;
            max_exp_avg_sq[i] = v;
        }
        const float denom = sqrt(v) / bc2_sqrt + eps;
        param[i] = w + neg_step * m / denom;
    }
}
