/*
 * gemm_blocked.cl: the register-blocked GEMM used on CPU devices, C = alpha * op(A) * op(B) + beta * C, row-major,
 * op(A) (M, K), op(B) (K, N), C (M, N); A stored (M, K) or (K, M) when trans_a, B stored (K, N) or (N, K) when trans_b.
 * The operands are first packed (transposed as needed and zero-padded to whole blocks), so the inner loop has no
 * bounds checks and only vector loads. The transpositions are kernel arguments, not build options, so the whole
 * file is built once per device (POCL compiles every kernel of every program it launches).
 *   pack_a(Ap, A, M, K, Mp, trans_a): Ap holds op(A) in panels of RM rows: Ap[(ib*K + p)*RM + r] = A(ib*RM + r, p),
 *       0 for rows >= M; Mp = M rounded up to RM. One work-item per 16 x 16 tile: range (ceil(K/16), ceil(Mp/16)).
 *   pack_b(Bp, B, K, N, Np, trans_b): Bp (K, Np) = op(B) with columns zero-padded to Np = N rounded up to RN. One
 *       work-item per 16 x 16 tile: range (ceil(Np/16), ceil(K/16)).
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

/* The packers move 16 x 16 tiles through a private array, so both their reads and their writes run along rows
   whatever the transposition (element-wise packing of a transposed operand strides through memory on every read). */
#define PACK_TILE 16

__kernel void pack_a(__global float *Ap, const __global float *A, const int M, const int K, const int Mp,
                     const int trans_a) {
    /* Work-item (pt, it): rows it*16 .. +15 of op(A), columns pt*16 .. +15. */
    const int p0 = (int) get_global_id(0) * PACK_TILE;
    const int i0 = (int) get_global_id(1) * PACK_TILE;
    if (p0 >= K || i0 >= Mp) {
        return;
    }
    float tile[PACK_TILE][PACK_TILE]; /* [p][i] */
    if (trans_a) {
        /* A stored (K, M): rows of the tile run along i. */
        for (int t = 0; t < PACK_TILE; t++) {
            for (int u = 0; u < PACK_TILE; u++) {
                const int i = i0 + u;
                const int p = p0 + t;
                tile[t][u] = (i < M && p < K) ? A[p * M + i] : 0.0f;
            }
        }
    } else {
        /* A stored (M, K): rows run along p. */
        for (int u = 0; u < PACK_TILE; u++) {
            for (int t = 0; t < PACK_TILE; t++) {
                const int i = i0 + u;
                const int p = p0 + t;
                tile[t][u] = (i < M && p < K) ? A[i * K + p] : 0.0f;
            }
        }
    }
    for (int t = 0; t < PACK_TILE && p0 + t < K; t++) {
        for (int u = 0; u < PACK_TILE && i0 + u < Mp; u++) {
            const int i = i0 + u;
            const int ib = i / RM;
            /* i - ib*RM rather than i % RM: the same value, without the freeze instruction LLVM emits for a
               division/remainder pair, which Oclgrind's uninitialised-value checker cannot follow. */
            Ap[(ib * K + p0 + t) * RM + (i - ib * RM)] = tile[t][u];
        }
    }
}

__kernel void pack_b(__global float *Bp, const __global float *B, const int K, const int N, const int Np,
                     const int trans_b) {
    /* Work-item (jt, pt): rows pt*16 .. +15 of op(B), columns jt*16 .. +15. */
    const int j0 = (int) get_global_id(0) * PACK_TILE;
    const int p0 = (int) get_global_id(1) * PACK_TILE;
    if (j0 >= Np || p0 >= K) {
        return;
    }
    float tile[PACK_TILE][PACK_TILE]; /* [p][j] */
    if (trans_b) {
        /* B stored (N, K): rows of the tile run along p. */
        for (int u = 0; u < PACK_TILE; u++) {
            for (int t = 0; t < PACK_TILE; t++) {
                const int p = p0 + t;
                const int j = j0 + u;
                tile[t][u] = (p < K && j < N) ? B[j * K + p] : 0.0f;
            }
        }
    } else {
        /* B stored (K, N): rows run along j. */
        for (int t = 0; t < PACK_TILE; t++) {
            for (int u = 0; u < PACK_TILE; u++) {
                const int p = p0 + t;
                const int j = j0 + u;
                tile[t][u] = (p < K && j < N) ? B[p * N + j] : 0.0f;
            }
        }
    }
    for (int t = 0; t < PACK_TILE && p0 + t < K; t++) {
        for (int u = 0; u < PACK_TILE && j0 + u < Np; u++) {
            Bp[(p0 + t) * Np + j0 + u] = tile[t][u];
        }
    }
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

/*
 * Split-K for products with few blocks of C but a long K (weight gradients: (cout, cin*k*k) summed over n*P):
 *   gemm_blocked_partial(Cpart, Ap, Bp, Mp, Np, K, chunk): work-item (jb, ib, s) computes the RM x RN block over
 *       p in [s*chunk, min(K, (s+1)*chunk)) into Cpart[s] (Mp, Np); global size (Np/RN, Mp/RM, splits).
 *   gemm_sum_splits(C, Cpart, M, N, Mp, Np, splits, alpha, beta): one work-item per element of C; sums the splits
 *       in order (deterministic), then C = alpha*sum (+ beta*C when beta != 0).
 */

__kernel void gemm_blocked_partial(__global float *Cpart, const __global float *Ap, const __global float *Bp,
                                   const int Mp, const int Np, const int K, const int chunk) {
    const int jb = (int) get_global_id(0);
    const int ib = (int) get_global_id(1);
    const int s = (int) get_global_id(2);
    if (ib * RM >= Mp || jb * RN >= Np) {
        return;
    }
    float16 acc[RM][WN];
    #pragma unroll
    for (int r = 0; r < RM; r++) {
        #pragma unroll
        for (int v = 0; v < WN; v++) {
            acc[r][v] = (float16) 0.0f;
        }
    }
    const __global float *a = Ap + ib * K * RM;
    const __global float *b = Bp + jb * RN;
    const int end = min(K, (s + 1) * chunk);
    for (int p = s * chunk; p < end; p++) {
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
    __global float *c = Cpart + (s * Mp + ib * RM) * Np + jb * RN;
    #pragma unroll
    for (int r = 0; r < RM; r++) {
        #pragma unroll
        for (int v = 0; v < WN; v++) {
            vstore16(acc[r][v], v, c + r * Np);
        }
    }
}

__kernel void gemm_sum_splits(__global float *C, const __global float *Cpart, const int M, const int N, const int Mp,
                              const int Np, const int splits, const float alpha, const float beta) {
    ELEMENT_INDEX(e, M * N)
    const int i = e / N;
    const int j = e - i * N;
    float sum = 0.0f;
    for (int s = 0; s < splits; s++) {
        sum += Cpart[(s * Mp + i) * Np + j];
    }
    C[e] = beta == 0.0f ? alpha * sum : alpha * sum + beta * C[e];
}
