/*
 * kl_div.cl: KL divergence D_KL(p || q) = H(p, q) - H(p), PyTorch KLDivLoss(reduction="batchmean") convention:
 * the input is log q, the target p; both (n, classes) floats, count = n * classes elements.
 *   kl_div_forward_terms(terms, logq, p, count): terms[i] = xlogy(p, p) - p * logq, with xlogy(0, .) = 0;
 *       reduce.cl sums them and divides by n.
 *   kl_div_backward(dlogq, p, n, count):        dlogq[i] = -p[i] / n (overwrites).
 * One work-item per element. Dispatched by OpenClBackend.klDivForward / klDivBackward.
 */

__kernel void kl_div_forward_terms(__global float *terms, const __global float *logq, const __global float *p,
                                   const int count) {
    ELEMENT_INDEX(i, count)
    const float pi = p[i];
    const float plogp = pi == 0.0f ? 0.0f : pi * log(pi);
    terms[i] = plogp - pi * logq[i];
}

__kernel void kl_div_backward(__global float *dlogq, const __global float *p, const int n, const int count) {
    ELEMENT_INDEX(i, count)
    dlogq[i] = -p[i] / (float) n;
}
