/*
 * matmul.cl: C = alpha * op(A) * op(B) + beta * C, row-major, op(A) is (M, K), op(B) is (K, N), C is (M, N).
 *   A is stored (M, K), or (K, M) when TRANS_A = 1: A(i, p) = TRANS_A ? A[p*M + i] : A[i*K + p]
 *   B is stored (K, N), or (N, K) when TRANS_B = 1: B(p, j) = TRANS_B ? B[j*K + p] : B[p*N + j]
 * With beta == 0, C is written without being read (BLAS convention).
 *
 * gemm_tiled: one work-item per element of C, work-groups of TS x TS; each step stages a TS x TS tile of op(A)
 * and of op(B) in local memory (zero outside the matrices, so partial tiles need no special case).
 * Global size (ceil(N/TS)*TS, ceil(M/TS)*TS); dimension 0 runs along columns j, dimension 1 along rows i.
 * TRANS_A and TRANS_B are build options, so the file is built once per transposition (registry entries
 * GEMM_TILED_NN .. GEMM_TILED_TT). Dispatched by GemmRoutine (OpenClBackend.gemm).
 */

#ifndef TS
#define TS 16 /* tile edge; the work-group is TS x TS */
#endif
#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif

#if TRANS_A
#define A_AT(i, p) A[(p) * M + (i)]
#else
#define A_AT(i, p) A[(i) * K + (p)]
#endif
#if TRANS_B
#define B_AT(p, j) B[(j) * K + (p)]
#else
#define B_AT(p, j) B[(p) * N + (j)]
#endif

__kernel __attribute__((reqd_work_group_size(TS, TS, 1)))
void gemm_tiled(__global float *C, const __global float *A, const __global float *B, const int M, const int N,
                const int K, const float alpha, const float beta) {
    __local float Asub[TS][TS];
    __local float Bsub[TS][TS];
    const int tj = (int) get_local_id(0);
    const int ti = (int) get_local_id(1);
    const int j = (int) get_group_id(0) * TS + tj;
    const int i = (int) get_group_id(1) * TS + ti;

    float acc = 0.0f;
    for (int p0 = 0; p0 < K; p0 += TS) {
        /* Work-item (ti, tj) loads A(i, p0 + tj) and B(p0 + ti, j). */
        const int pa = p0 + tj;
        const int pb = p0 + ti;
        Asub[ti][tj] = (i < M && pa < K) ? A_AT(i, pa) : 0.0f;
        Bsub[ti][tj] = (pb < K && j < N) ? B_AT(pb, j) : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < TS; p++) {
            acc = fma(Asub[ti][p], Bsub[p][tj], acc);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (i < M && j < N) {
        const int at = i * N + j;
        C[at] = beta == 0.0f ? alpha * acc : alpha * acc + beta * C[at];
    }
}
