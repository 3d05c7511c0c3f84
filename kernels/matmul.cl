/*
 * matmul.cl: C = alpha * op(A) * op(B) + beta * C, row-major, op(A) is (M, K), op(B) is (K, N), C is (M, N).
 *   A is stored (M, K), or (K, M) when TRANS_A = 1: A(i, p) = TRANS_A ? A[p*M + i] : A[i*K + p]
 *   B is stored (K, N), or (N, K) when TRANS_B = 1: B(p, j) = TRANS_B ? B[j*K + p] : B[p*N + j]
 * With beta == 0, C is written without being read (BLAS convention).
 *
 * gemm_tiled: one work-item per element of C, work-groups of TS x TS; each step stages a TS x TS tile of op(A)
 * and of op(B) in local memory (zero outside the matrices, so partial tiles need no special case).
 * Global size (ceil(N/TS)*TS, ceil(M/TS)*TS); dimension 0 runs along columns j, dimension 1 along rows i.
 * Dispatched by OpenClBackend.gemm.
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

/*
 * The register-blocked path for large products, in three kernels. The operands are first packed (transposed as
 * needed and zero-padded to whole blocks), so the inner loop has no bounds checks and only vector loads:
 *   pack_a(Ap, A, M, K, Mp): Ap holds op(A) in panels of RM rows: Ap[(ib*K + p)*RM + r] = A(ib*RM + r, p),
 *       0 for rows >= M; Mp = M rounded up to RM. One work-item per element of Ap.
 *   pack_b(Bp, B, K, N, Np): Bp (K, Np) = op(B) with columns zero-padded to Np = N rounded up to RN.
 *   gemm_blocked(C, Ap, Bp, M, N, K, Np, alpha, beta): work-item (jb, ib) computes the RM x RN block of C at rows
 *       ib*RM, columns jb*RN, holding it in RM*WN float16 accumulators (RN = 16*WN); global size (Np/RN, Mp/RM).
 *       Elements outside C are dropped at the store. The loops over RM and WN are unrolled so the accumulators
 *       live in vector registers (with POCL on AVX-512 that took 1024^2 from ~55 to ~155 GFLOP/s).
 */

#ifndef RM
#define RM 16 /* rows of C per work-item */
#endif
#ifndef WN
#define WN 1 /* float16 vectors of columns per work-item: RN = 16 * WN */
#endif
#define RN (16 * WN)

__kernel void pack_a(__global float *Ap, const __global float *A, const int M, const int K, const int Mp) {
    ELEMENT_INDEX(e, Mp * K)
    const int r = e % RM;
    const int p = (e / RM) % K;
    const int i = (e / (RM * K)) * RM + r;
    Ap[e] = i < M ? A_AT(i, p) : 0.0f;
}

__kernel void pack_b(__global float *Bp, const __global float *B, const int K, const int N, const int Np) {
    ELEMENT_INDEX(e, K * Np)
    const int j = e % Np;
    const int p = e / Np;
    Bp[e] = j < N ? B_AT(p, j) : 0.0f;
}

__kernel void gemm_blocked(__global float *C, const __global float *Ap, const __global float *Bp, const int M,
                           const int N, const int K, const int Np, const float alpha, const float beta) {
    const int jb = (int) get_global_id(0);
    const int ib = (int) get_global_id(1);
    const int i0 = ib * RM;
    const int j0 = jb * RN;
    if (i0 >= M || j0 >= N) {
        return;
    }
    float16 acc[RM][WN];
    for (int r = 0; r < RM; r++) {
        for (int v = 0; v < WN; v++) {
            acc[r][v] = (float16) 0.0f;
        }
    }
    const __global float *a = Ap + ib * K * RM;
    const __global float *b = Bp + j0;
    for (int p = 0; p < K; p++) {
        float16 bv[WN];
        #pragma unroll
        for (int v = 0; v < WN; v++) {
            bv[v] = vload16(v, b + p * Np);
        }
        #pragma unroll
        for (int r = 0; r < RM; r++) {
            const float16 av = (float16) a[p * RM + r];
            #pragma unroll
            for (int v = 0; v < WN; v++) {
                acc[r][v] = fma(av, bv[v], acc[r][v]);
            }
        }
    }
    const bool whole = i0 + RM <= M && j0 + RN <= N;
    for (int r = 0; r < RM; r++) {
        __global float *c = C + (i0 + r) * N + j0;
        for (int v = 0; v < WN; v++) {
            float16 out = alpha * acc[r][v];
            if (whole) {
                if (beta != 0.0f) {
                    out += beta * vload16(v, c);
                }
                vstore16(out, v, c);
            } else {
                float vals[16];
                vstore16(out, 0, vals);
                for (int t = 0; t < 16; t++) {
                    const int j = j0 + v * 16 + t;
                    if (i0 + r < M && j < N) {
                        c[v * 16 + t] = beta == 0.0f ? vals[t] : vals[t] + beta * c[v * 16 + t];
                    }
                }
            }
        }
    }
}
