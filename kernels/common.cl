/*
 * common.cl: prepended to every clnn program.
 *
 * Contraction of a*b+c into fma is switched off so that elementwise kernels round exactly like the Java reference
 * (Java never fuses); kernels that want fused multiply-adds (GEMM) call fma()/mad() explicitly.
 */
#pragma OPENCL FP_CONTRACT OFF

/* 1-D elementwise kernels: one work-item per element; the global size may be rounded up, so guard. */
#define ELEMENT_INDEX(i, n) \
    const int i = (int) get_global_id(0); \
    if (i >= (n)) return;
