/*
 * clip.cl: the scaling of gradient clipping by the global L2 norm, torch.nn.utils.clip_grad_norm_ (norm type 2).
 *   clip_grad_norm(x, sum_squares, count, max_norm):
 *       coef = max_norm / (sqrt(sum_squares[0]) + 1e-6); x[i] *= (coef > 1 ? 1 : coef)
 *   x (count floats) is scaled in place; sum_squares (1 float) is the sum of squares over every gradient, as
 *   sum_squares in reduce.cl leaves it. Every work-item computes the same coefficient from the one device scalar,
 *   so the host reads nothing. The clamp keeps a NaN coefficient NaN, as torch.clamp does (fmin would give 1).
 * One work-item per element; the same float operations as CpuBackend.clipGradNorm.
 * Dispatched by OpenClBackend.clipGradNorm.
 */

__kernel void clip_grad_norm(__global float *x, const __global float *sum_squares, const int count,
                             const float max_norm) {
    ELEMENT_INDEX(i, count)
    const float coef = max_norm / (sqrt(sum_squares[0]) + 1e-6f);
    x[i] = x[i] * (coef > 1.0f ? 1.0f : coef);
}
