/*
 * sgd.cl: in-place SGD with PyTorch's torch.optim.SGD semantics over count floats (param, grad, buf).
 *   sgd_update(param, grad, count, lr, weight_decay):
 *       g = grad + weight_decay * param (when weight_decay != 0); param -= lr * g
 *   sgd_momentum_update(param, buf, grad, count, lr, weight_decay, momentum, keep, nesterov, first_step):
 *       g as above; buf = first_step ? g : momentum * buf + keep * g   (keep = 1 - dampening)
 *       g = nesterov ? g + momentum * buf : buf; param -= lr * g
 * One work-item per element; same float operations in the same order as CpuBackend.sgdUpdate.
 * Dispatched by OpenClBackend.sgdUpdate.
 */

__kernel void sgd_update(__global float *param, const __global float *grad, const int count, const float lr,
                         const float weight_decay) {
    ELEMENT_INDEX(i, count)
    float g = grad[i];
    if (weight_decay != 0.0f) {
        g = g + weight_decay * param[i];
    }
    param[i] = param[i] - lr * g;
}

__kernel void sgd_momentum_update(__global float *param, __global float *buf, const __global float *grad,
                                  const int count, const float lr, const float weight_decay, const float momentum,
                                  const float keep, const int nesterov, const int first_step) {
    ELEMENT_INDEX(i, count)
    float g = grad[i];
    if (weight_decay != 0.0f) {
        g = g + weight_decay * param[i];
    }
    const float b = first_step ? g : momentum * buf[i] + keep * g;
    buf[i] = b;
    g = nesterov ? g + momentum * b : b;
    param[i] = param[i] - lr * g;
}
