/*
 * gemm_blocked.cl: the register-blocked GEMM used on CPU devices, C = alpha * op(A) * op(B) + beta * C, row-major,
 * op(A) (M, K), op(B) (K, N), C (M, N); A stored (M, K) or (K, M) when trans_a, B stored (K, N) or (N, K) when trans_b.
 * The operands are first packed (transposed as needed and zero-padded to whole blocks), so the inner loop has no
 * bounds checks and only vector loads. The transpositions are kernel arguments, not build options, so the whole
 * file is built once per device (POCL compiles every kernel of every program it launches).
 *   pack_a(Ap, A, M, K, Mp, trans_a): Ap holds op(A) in panels of RM rows: Ap[(ib*K + p)*RM + r] = A(ib*RM + r, p),
 *       0 for rows >= M; Mp = M rounded up to RM. One work-item per PACK_TILE x PACK_TILE tile: range
 *       (ceil(K/PACK_TILE), ceil(Mp/PACK_TILE)).
 *   pack_b(Bp, B, K, N, Np, trans_b): Bp (K, Np) = op(B) with columns zero-padded to Np = N rounded up to RN. One
 *       work-item per PACK_TILE x PACK_TILE tile: range (ceil(Np/PACK_TILE), ceil(K/PACK_TILE)).
 *   gemm_blocked(C, Ap, Bp, M, N, K, Np, alpha, beta): work-item (jb, ib) computes the RM x RN block of C at rows
 *       ib*RM, columns jb*RN, holding it in RM*WN accumulators of type floatVW (RN = VW*WN); global size
 *       (Np/RN, Mp/RM) or more (extra work-items return at once). Elements outside C are dropped at the store.
 *   gemm_blocked_partial / gemm_sum_splits: split-K, described below.
 * Both GEMM kernels run the same inner loop, block_product. Dispatched by GemmRoutine (OpenClBackend.gemm).
 */

#ifndef VW
#define VW 16 /* lanes of the column vectors: float4, float8 or float16 */
#endif
#ifndef RM
#define RM 16 /* rows of C per work-item */
#endif
#ifndef WN
#define WN 1 /* column vectors per work-item: RN = VW * WN */
#endif
#define RN (VW * WN)
#ifndef PACK_TILE
#define PACK_TILE 16 /* edge of the square tile one packing work-item moves */
#endif

/* floatv is floatVW. Its loads and stores are plain dereferences, not vloadVW/vstoreVW, and the multiply-add is
   a contracted a * b + c, not fma(): passing a float16 (or a float8 without AVX) to a function is a vector argument
   wider than the target's registers, and clang warns that its ABI changes (-Wpsabi). The _unaligned type has float
   alignment, so the addresses need not be multiples of the vector size (rows of C are not). */
#define FLOATV_(w) float##w
#define FLOATV(w) FLOATV_(w)
typedef FLOATV(VW) floatv;
typedef floatv floatv_unaligned __attribute__((aligned(4)));
#define LOADV(p) (*(const __global floatv_unaligned *) (p))
#define STOREV(p, value) (*(__global floatv_unaligned *) (p) = (value))

/* The packers move tiles through a private array, so both their reads and their writes run along rows whatever the
   transposition (element-wise packing of a transposed operand strides through memory on every read). */

__kernel void pack_a(__global float *Ap, const __global float *A, const int M, const int K, const int Mp,
                     const int trans_a) {
    /* Work-item (pt, it): rows it*PACK_TILE .. +PACK_TILE-1 of op(A), columns pt*PACK_TILE .. +PACK_TILE-1. */
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
    /* Work-item (jt, pt): rows pt*PACK_TILE .. +PACK_TILE-1 of op(B), columns jt*PACK_TILE .. +PACK_TILE-1. */
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

/*
 * block_product(acc, a, b, p_begin, p_end, Np): acc[r][v] = sum over p in [p_begin, p_end) of
 * Ap(row r of the panel, p) * Bp(p, the VW columns of vector v), where a points at the panel of RM rows and b at
 * the block's first column of Bp. The loops over RM and WN are unrolled so the accumulators live in vector
 * registers. acc is an array, so it crosses the call as a pointer. Optimising compilers inline the call; the
 * function is not declared inline, because under C99 rules an inline definition alone leaves no function to call
 * when a build does not inline (-cl-opt-disable).
 */
#pragma OPENCL FP_CONTRACT ON /* only here: the multiply-add below must compile to one fused instruction */
void block_product(floatv acc[RM][WN], const __global float *a, const __global float *b, const int p_begin,
                   const int p_end, const int Np) {
    #pragma unroll
    for (int r = 0; r < RM; r++) {
        #pragma unroll
        for (int v = 0; v < WN; v++) {
            acc[r][v] = (floatv) 0.0f;
        }
    }
    /* Pointers that step along K, rather than indices computed from p, so every load's address is a base plus a
       constant offset, with no integer work between the multiply-adds. */
    const __global float *ap = a + p_begin * RM;
    const __global float *bp = b + p_begin * Np;
    for (int p = p_begin; p < p_end; p++) {
        floatv bv[WN];
        #pragma unroll
        for (int v = 0; v < WN; v++) {
            bv[v] = LOADV(bp + VW * v);
        }
        #pragma unroll
        for (int r = 0; r < RM; r++) {
            const floatv av = (floatv) ap[r];
            #pragma unroll
            for (int v = 0; v < WN; v++) {
                acc[r][v] = av * bv[v] + acc[r][v];
            }
        }
        ap += RM;
        bp += Np;
    }
}
#pragma OPENCL FP_CONTRACT OFF /* back to common.cl's setting */

__kernel void gemm_blocked(__global float *C, const __global float *Ap, const __global float *Bp, const int M,
                           const int N, const int K, const int Np, const float alpha, const float beta) {
    const int jb = (int) get_global_id(0);
    const int ib = (int) get_global_id(1);
    const int i0 = ib * RM;
    const int j0 = jb * RN;
    if (i0 >= M || j0 >= N) {
        return;
    }
    floatv acc[RM][WN];
    block_product(acc, Ap + ib * K * RM, Bp + j0, 0, K, Np);
    const bool whole = i0 + RM <= M && j0 + RN <= N;
    for (int r = 0; r < RM; r++) {
        __global float *c = C + (i0 + r) * N + j0;
        for (int v = 0; v < WN; v++) {
            floatv out = alpha * acc[r][v];
            if (whole) {
                if (beta != 0.0f) {
                    out += beta * LOADV(c + VW * v);
                }
                STOREV(c + VW * v, out);
            } else {
                float vals[VW];
                *(floatv_unaligned *) vals = out;
                for (int t = 0; t < VW; t++) {
                    const int j = j0 + v * VW + t;
                    if (i0 + r < M && j < N) {
                        c[v * VW + t] = beta == 0.0f ? vals[t] : vals[t] + beta * c[v * VW + t];
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
    floatv acc[RM][WN];
    block_product(acc, Ap + ib * K * RM, Bp + jb * RN, s * chunk, min(K, (s + 1) * chunk), Np);
    __global float *c = Cpart + (s * Mp + ib * RM) * Np + jb * RN;
    #pragma unroll
    for (int r = 0; r < RM; r++) {
        #pragma unroll
        for (int v = 0; v < WN; v++) {
            STOREV(c + r * Np + VW * v, acc[r][v]);
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
