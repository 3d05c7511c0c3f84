/*
 * gemm_blocked.cl: the register-blocked GEMM used on CPU devices, C = alpha * op(A) * op(B) + beta * C, row-major,
 * op(A) (M, K), op(B) (K, N), C (M, N); A stored (M, K) or (K, M) when trans_a, B stored (K, N) or (N, K) when trans_b.
 * Each work-item holds an RM x RN block of C in registers (RN = VW * WN) and runs over K with no bounds checks: the
 * operands are read where they lie when their layout allows, else packed first. The transpositions are arguments, not
 * build options, so the whole file is built once per device (POCL compiles every kernel of every program it launches).
 *
 * Operand layouts, described to the GEMM kernels by strides (GemmRoutine picks them):
 *   A: op(A)(i, p) = A[i0 * a_blk + (i - i0) * a_row + p * a_step] for the block of rows starting at i0, with
 *      a_row == 1 or a_step == 1. Unpacked (M, K): a_blk = a_row = K, a_step = 1; unpacked (K, M): a_blk = a_row = 1,
 *      a_step = M; packed by pack_a: a_blk = K, a_row = 1, a_step = RM. a_rows = rows the layout holds (>= RM).
 *   B: op(B)(p, j) = B[j0 * b_blk + p * b_step + (j - j0)] for the block of columns starting at j0. Unpacked (K, N):
 *      b_blk = 1, b_step = N; packed by pack_b: b_blk = K, b_step = RN. b_cols = columns the layout holds (>= RN).
 *   A block that would run past a_rows (b_cols) is moved back to end at the last one, overlapping its neighbour, so
 *   every load is inside the operand; it stores only the rows (columns) that are its own, so no element of C is
 *   written twice. Packed operands are zero-padded to whole blocks, so their blocks never move.
 *
 *   pack_operand(dst, src, d0, d1, padded, trans, operand): packs A (operand 0) or B (operand 1), one kernel for
 *       both so that POCL generates its code once per first step rather than twice (~0.1 s of a cold step); the
 *       operand is the same for every work-item of a launch, so each launch runs one of the two bodies below:
 *     operand 0, pack_a(Ap, A, M = d0, K = d1, Mp = padded, trans_a = trans): Ap holds op(A) in panels of RM rows:
 *       Ap[(ib*K + p)*RM + r] = op(A)(ib*RM + r, p), 0 for rows >= M; Mp = M rounded up to RM. Work-item (pt, ib)
 *       moves p in [pt*PACK_TILE, +PACK_TILE) of panel ib: range (ceil(K/PACK_TILE), Mp/RM).
 *     operand 1, pack_b(Bp, B, K = d0, N = d1, Np = padded, trans_b = trans): Bp holds op(B) in panels of RN
 *       columns: Bp[(jb*K + p)*RN + c] = op(B)(p, jb*RN + c), 0 for columns >= N; Np = N rounded up to RN. Work-item
 *       (pt, jb) moves p in [pt*PACK_TILE, +PACK_TILE) of panel jb: range (ceil(K/PACK_TILE), Np/RN).
 *   gemm_blocked(C, A, B, M, N, K, a_rows, a_blk, a_row, a_step, b_cols, b_blk, b_step, alpha, beta): work-item
 *       (jb, ib) computes the block of C at rows ib*RM, columns jb*RN over the whole of K; global size
 *       (ceil(N/RN), ceil(M/RM)) or more (extra work-items return at once). Elements outside C are dropped at the
 *       store.
 *   gemm_blocked_partial / gemm_sum_splits: split-K, described below.
 * Both GEMM kernels run the same inner loop, block_product. Dispatched by GemmRoutine (OpenClBackend.gemm).
 */

#ifndef VW
#define VW 16 /* lanes of the column vectors: float (1), float2, float4, float8 or float16 */
#endif
#ifndef RM
#define RM 16 /* rows of C per work-item */
#endif
#ifndef WN
#define WN 1 /* column vectors per work-item: RN = VW * WN */
#endif
#define RN (VW * WN)
#ifndef PACK_TILE
#define PACK_TILE 16 /* steps along K one packing work-item moves */
#endif

/* floatv is floatVW, and plain float for VW 1 (for devices that vectorise across work-items, such as llvmpipe). Its
   loads and stores are plain dereferences, not vloadVW/vstoreVW, and the multiply-add is a contracted a * b + c, not
   fma(): passing a float16 (or a float8 without AVX) to a function is a vector argument wider than the target's
   registers, and clang warns that its ABI changes (-Wpsabi). The _unaligned type has float alignment, so the
   addresses need not be multiples of the vector size (rows of C are not). Every other line below reads the same for
   any VW: a float is its own broadcast, and a partial block's store goes through a float array of VW elements. */
#define FLOATV_(w) float##w
#define FLOATV(w) FLOATV_(w)
#if VW == 1
typedef float floatv; /* OpenCL C has no float1 */
#else
typedef FLOATV(VW) floatv;
#endif
typedef floatv floatv_unaligned __attribute__((aligned(4)));
#define LOADV(p) (*(const __global floatv_unaligned *) (p))
#define STOREV(p, value) (*(__global floatv_unaligned *) (p) = (value))

/* Every helper below is inlined into its kernel whatever the compiler's size heuristics say: LLVM uses 512-bit
   registers for float16 only inside the kernel function (POCL marks it so), and an outlined helper gets its
   accumulators split into twice as many 256-bit halves, which spill. The functions are not declared inline, because
   under C99 rules an inline definition alone leaves no function to call when a build does not inline
   (-cl-opt-disable). */
#define ALWAYS_INLINE __attribute__((always_inline))

/* Packing is only needed where a layout cannot be read in place (GemmRoutine). A packing work-item moves
   PACK_TILE steps along K of one panel, looping along whichever direction the source is contiguous in, so its reads
   run along rows of the source and its writes stay inside a PACK_TILE x panel-width patch that lives in L1. (Reading
   across rows instead, e.g. RN rows of a transposed B at a power-of-two stride, missed L1 on every element and made
   the pack cost a fifth of a 256x1024x1024 product.) */

ALWAYS_INLINE void pack_a(__global float *Ap, const __global float *A, const int M, const int K, const int Mp,
                          const int trans_a) {
    const int p0 = (int) get_global_id(0) * PACK_TILE;
    const int ib = (int) get_global_id(1);
    if (p0 >= K || ib * RM >= Mp) {
        return;
    }
    const int steps = min(K - p0, PACK_TILE);
    __global float *dst = Ap + ((long) ib * K + p0) * RM;
    for (int r = 0; r < RM; r++) {
        const int i = ib * RM + r;
        if (trans_a) {
            /* A stored (K, M): row p of A holds the panel's RM values, contiguous. */
            for (int t = 0; t < steps; t++) {
                dst[t * RM + r] = i < M ? A[(long) (p0 + t) * M + i] : 0.0f;
            }
        } else {
            /* A stored (M, K): row i of A runs along p. */
            const __global float *src = A + (long) min(i, M - 1) * K + p0;
            for (int t = 0; t < steps; t++) {
                dst[t * RM + r] = i < M ? src[t] : 0.0f;
            }
        }
    }
}

ALWAYS_INLINE void pack_b(__global float *Bp, const __global float *B, const int K, const int N, const int Np,
                          const int trans_b) {
    const int p0 = (int) get_global_id(0) * PACK_TILE;
    const int jb = (int) get_global_id(1);
    if (p0 >= K || jb * RN >= Np) {
        return;
    }
    const int steps = min(K - p0, PACK_TILE);
    __global float *dst = Bp + ((long) jb * K + p0) * RN;
    if (trans_b) {
        /* B stored (N, K): row j of B runs along p. */
        for (int c = 0; c < RN; c++) {
            const int j = jb * RN + c;
            const __global float *src = B + (long) min(j, N - 1) * K + p0;
            for (int t = 0; t < steps; t++) {
                dst[t * RN + c] = j < N ? src[t] : 0.0f;
            }
        }
    } else {
        /* B stored (K, N): row p of B runs along j. */
        for (int t = 0; t < steps; t++) {
            const __global float *src = B + (long) (p0 + t) * N;
            #pragma unroll
            for (int c = 0; c < RN; c++) {
                const int j = jb * RN + c;
                dst[t * RN + c] = j < N ? src[j] : 0.0f;
            }
        }
    }
}

__kernel void pack_operand(__global float *dst, const __global float *src, const int d0, const int d1,
                           const int padded, const int trans, const int operand) {
    if (operand == 0) {
        pack_a(dst, src, d0, d1, padded, trans);
    } else {
        pack_b(dst, src, d0, d1, padded, trans);
    }
}

/*
 * block_product(acc, a, a_row, a_step, b, b_step, p_begin, p_end): acc[r][v] = sum over p in [p_begin, p_end) of
 * a[r*a_row + p*a_step] * (the VW floats at b + p*b_step + VW*v). The loops over RM and WN are unrolled so the
 * accumulators live in vector registers. acc is an array, so it crosses the call as a pointer; inlined, a constant
 * a_row or a_step folds into the addresses.
 */
#pragma OPENCL FP_CONTRACT ON /* only here: the multiply-add below must compile to one fused instruction */
ALWAYS_INLINE void block_product(floatv acc[RM][WN], const __global float *a, const int a_row, const int a_step,
                   const __global float *b, const int b_step, const int p_begin, const int p_end) {
    #pragma unroll
    for (int r = 0; r < RM; r++) {
        #pragma unroll
        for (int v = 0; v < WN; v++) {
            acc[r][v] = (floatv) 0.0f;
        }
    }
    /* Pointers that step along K, rather than indices computed from p, so every load's address is a base plus an
       offset fixed for the loop, with no integer work between the multiply-adds. */
    const __global float *ap = a + (long) p_begin * a_step;
    const __global float *bp = b + (long) p_begin * b_step;
    for (int p = p_begin; p < p_end; p++) {
        floatv bv[WN];
        #pragma unroll
        for (int v = 0; v < WN; v++) {
            bv[v] = LOADV(bp + VW * v);
        }
        #pragma unroll
        for (int r = 0; r < RM; r++) {
            const floatv av = (floatv) ap[r * a_row];
            #pragma unroll
            for (int v = 0; v < WN; v++) {
                acc[r][v] = av * bv[v] + acc[r][v];
            }
        }
        ap += a_step;
        bp += b_step;
    }
}
#pragma OPENCL FP_CONTRACT OFF /* back to common.cl's setting */

/*
 * store_block(C, ldc, acc, i0, i_own, j0, j_own, M, N, alpha, beta): C(i, j) = alpha * acc + beta * C(i, j) (beta == 0
 * reads nothing) for the block at rows i0.., columns j0.., keeping only rows >= i_own and columns >= j_own (a moved
 * block's own part) inside (M, N); ldc is C's row stride.
 */
ALWAYS_INLINE void store_block(__global float *C, const int ldc, floatv acc[RM][WN], const int i0, const int i_own,
                               const int j0, const int j_own, const int M, const int N, const float alpha,
                               const float beta) {
    const bool whole = i0 == i_own && j0 == j_own && i0 + RM <= M && j0 + RN <= N;
    for (int r = 0; r < RM; r++) {
        __global float *c = C + (long) (i0 + r) * ldc + j0;
        const bool row = i0 + r >= i_own && i0 + r < M;
        for (int v = 0; v < WN; v++) {
            floatv out = alpha * acc[r][v];
            if (whole) {
                if (beta != 0.0f) {
                    out += beta * LOADV(c + VW * v);
                }
                STOREV(c + VW * v, out);
            } else if (row) {
                float vals[VW];
                *(floatv_unaligned *) vals = out;
                for (int t = 0; t < VW; t++) {
                    const int j = j0 + v * VW + t;
                    if (j >= j_own && j < N) {
                        c[v * VW + t] = beta == 0.0f ? vals[t] : vals[t] + beta * c[v * VW + t];
                    }
                }
            }
        }
    }
}

/*
 * block_gemm: the block's product over [p_begin, p_end), then its store, with one of A's strides made a constant 1
 * (the host guarantees one of them is). The compiler thus builds two whole copies, one with constant row offsets
 * (A read along its columns, or packed) and one with unit steps (A read along its rows); each keeps its accumulators
 * to itself up to the store, where a product shared by both branches made LLVM shuffle and spill them.
 */
ALWAYS_INLINE void block_gemm(__global float *C, const int ldc, const __global float *a, const int a_row,
                              const int a_step, const __global float *b, const int b_step, const int p_begin,
                              const int p_end, const int i0, const int i_own, const int j0, const int j_own,
                              const int M, const int N, const float alpha, const float beta) {
    floatv acc[RM][WN];
    if (a_row == 1) {
        block_product(acc, a, 1, a_step, b, b_step, p_begin, p_end);
        store_block(C, ldc, acc, i0, i_own, j0, j_own, M, N, alpha, beta);
    } else {
        block_product(acc, a, a_row, 1, b, b_step, p_begin, p_end);
        store_block(C, ldc, acc, i0, i_own, j0, j_own, M, N, alpha, beta);
    }
}

__kernel void gemm_blocked(__global float *C, const __global float *A, const __global float *B, const int M,
                           const int N, const int K, const int a_rows, const int a_blk, const int a_row,
                           const int a_step, const int b_cols, const int b_blk, const int b_step, const float alpha,
                           const float beta) {
    const int i_own = (int) get_global_id(1) * RM;
    const int j_own = (int) get_global_id(0) * RN;
    if (i_own >= M || j_own >= N) {
        return;
    }
    const int i0 = min(i_own, a_rows - RM);
    const int j0 = min(j_own, b_cols - RN);
    block_gemm(C, N, A + (long) i0 * a_blk, a_row, a_step, B + (long) j0 * b_blk, b_step, 0, K, i0, i_own, j0, j_own, M,
               N, alpha, beta);
}

/*
 * Split-K for products with few blocks of C but a long K (weight gradients: (cout, cin*k*k) summed over n*P):
 *   gemm_blocked_partial(Cpart, A, B, M, N, K, <layouts>, chunk): work-item (jb, ib, s) computes the block over
 *       p in [s*chunk, min(K, (s+1)*chunk)) into Cpart[s] (M, N); global size (ceil(N/RN), ceil(M/RM), splits).
 *   gemm_sum_splits(C, Cpart, M, N, splits, alpha, beta): one work-item per element of C; sums the splits in order
 *       (deterministic), then C = alpha*sum (+ beta*C when beta != 0).
 */

__kernel void gemm_blocked_partial(__global float *Cpart, const __global float *A, const __global float *B,
                                   const int M, const int N, const int K, const int a_rows, const int a_blk,
                                   const int a_row, const int a_step, const int b_cols, const int b_blk,
                                   const int b_step, const int chunk) {
    const int i_own = (int) get_global_id(1) * RM;
    const int j_own = (int) get_global_id(0) * RN;
    const int s = (int) get_global_id(2);
    if (i_own >= M || j_own >= N) {
        return;
    }
    const int i0 = min(i_own, a_rows - RM);
    const int j0 = min(j_own, b_cols - RN);
    block_gemm(Cpart + (long) s * M * N, N, A + (long) i0 * a_blk, a_row, a_step, B + (long) j0 * b_blk, b_step,
               s * chunk, min(K, (s + 1) * chunk), i0, i_own, j0, j_own, M, N, 1.0f, 0.0f);
}

__kernel void gemm_sum_splits(__global float *C, const __global float *Cpart, const int M, const int N,
                              const int splits, const float alpha, const float beta) {
    ELEMENT_INDEX(e, M * N)
    float sum = 0.0f;
    for (int s = 0; s < splits; s++) {
        sum += Cpart[(long) s * M * N + e];
    }
    C[e] = beta == 0.0f ? alpha * sum : alpha * sum + beta * C[e];
}
