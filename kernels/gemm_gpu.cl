/*
 * gemm_gpu.cl: the GPU-class GEMM, C = alpha * op(A) * op(B) + beta * C, row-major, op(A) (M, K), op(B) (K, N),
 * C (M, N); A stored (M, K) or (K, M) when transposed, B stored (K, N) or (N, K) when transposed. As in CLBlast's
 * indirect GEMM, the operands are first packed K-major and zero-padded to whole tiles, so the main kernel serves
 * every transposition, has no bounds checks in its loops and loads only whole vectors.
 *   gemm_gpu_pack(P, S, K, X, Kp, Xp, trans): P (Kp, Xp), P[p*Xp + x] = S(p, x), 0 outside (K, X); S is stored (K, X),
 *       or (X, K) when trans. Packs op(A) as Ap (Kp, Mp) (trans = !transA) and op(B) as Bp (Kp, Np) (trans = transB).
 *       Work-groups of PACK_EDGE x PACK_EDGE each move one square tile through local memory, read along S's rows
 *       and written along P's rows: global size (Xp, Kp) rounded up to PACK_EDGE, or (Kp, Xp) when trans,
 *       dimension 0 running along S's contiguous axis.
 *   gemm_gpu(C, Ap, Bp, M, N, Mp, Np, Kp, alpha, beta): a work-group of NDIMC x MDIMC work-items computes the
 *       MWG x NWG tile of C at rows group_id(1)*MWG, columns group_id(0)*NWG; each work-item holds an MWI x NWI
 *       register tile (MWI = MWG/MDIMC, NWI = NWG/NDIMC). Per step of KWG along K the group copies the KWG x MWG
 *       slice of Ap and the KWG x NWG slice of Bp into local memory (SA, SB) with vector loads spread over all its
 *       work-items, then each work-item multiplies its fragments. Global size (Np/NWG*NDIMC, Mp/MWG*MDIMC), local
 *       (NDIMC, MDIMC). Mp, Np, Kp are M, N, K rounded up to MWG, NWG, KWG; elements outside C are dropped at the
 *       store, and with beta == 0 C is written without being read.
 * Dispatched by GpuGemmRoutine (OpenClBackend.gemm); the host's GpuGemmConfig checks the divisibility constraints.
 */

#ifndef MWG
#define MWG 64 /* rows of C per work-group */
#endif
#ifndef NWG
#define NWG 64 /* columns of C per work-group */
#endif
#ifndef KWG
#define KWG 16 /* K step: depth of the local-memory slices */
#endif
#ifndef MDIMC
#define MDIMC 16 /* work-items along M: local size of dimension 1 */
#endif
#ifndef NDIMC
#define NDIMC 16 /* work-items along N: local size of dimension 0 */
#endif
#ifndef VWM
#define VWM 4 /* vector width along M: loads of A and its register fragment (1, 2, 4 or 8) */
#endif
#ifndef VWN
#define VWN 4 /* vector width along N: loads of B and its register fragment (1, 2, 4 or 8) */
#endif
#ifndef KWI
#define KWI 2 /* K steps unrolled in the inner loop; divides KWG */
#endif
#ifndef STRM
#define STRM 1 /* 1: a work-item's row vectors lie MDIMC*VWM apart (neighbours read neighbouring local words);
                  0: its MWI rows are contiguous */
#endif
#ifndef STRN
#define STRN 1 /* the same along N */
#endif
#ifndef SA
#define SA 1 /* 1: A goes through local memory; 0: each work-item reads its fragment of Ap from global memory */
#endif
#ifndef SB
#define SB 1 /* the same for B */
#endif
#ifndef PACK_EDGE
#define PACK_EDGE 8 /* edge of gemm_gpu_pack's square tile and work-group: 8 floats are one 32-byte segment */
#endif

#define MWI (MWG / MDIMC) /* rows of a work-item's register tile */
#define NWI (NWG / NDIMC) /* columns of a work-item's register tile */
#define THREADS (MDIMC * NDIMC)
#define A_VECTORS (KWG * MWG / VWM) /* vectors in one local slice of A, loaded by THREADS work-items */
#define B_VECTORS (KWG * NWG / VWN)

/* vloadN/vstoreN for N = VWM or VWN; width 1 is a plain access (there is no vload1). The pointers may be global,
   local or private; vloadN needs only float alignment. */
#define VLOAD_1(p) (*(p))
#define VSTORE_1(v, p) (*(p) = (v))
#define VLOAD_2(p) vload2(0, p)
#define VSTORE_2(v, p) vstore2(v, 0, p)
#define VLOAD_4(p) vload4(0, p)
#define VSTORE_4(v, p) vstore4(v, 0, p)
#define VLOAD_8(p) vload8(0, p)
#define VSTORE_8(v, p) vstore8(v, 0, p)
#define VLOAD_(w, p) VLOAD_##w(p)
#define VSTORE_(w, v, p) VSTORE_##w(v, p)
#define VLOAD(w, p) VLOAD_(w, p)
#define VSTORE(w, v, p) VSTORE_(w, v, p)

/* Offset within the tile of the first of VW rows (or columns) of vector g of work-item t: vectors strided across
   the work-items, or the work-item's WI rows contiguous. */
#if STRM
#define ROW(g, t) ((g) * (MDIMC * VWM) + (t) * VWM)
#else
#define ROW(g, t) ((t) * MWI + (g) * VWM)
#endif
#if STRN
#define COL(g, t) ((g) * (NDIMC * VWN) + (t) * VWN)
#else
#define COL(g, t) ((t) * NWI + (g) * VWN)
#endif

__kernel __attribute__((reqd_work_group_size(PACK_EDGE, PACK_EDGE, 1)))
void gemm_gpu_pack(__global float *P, const __global float *S, const int K, const int X, const int Kp, const int Xp,
                   const int trans) {
    /* The extra column keeps the transposed reads of the tile on distinct local-memory banks. */
    __local float tile[PACK_EDGE][PACK_EDGE + 1];
    const int l0 = (int) get_local_id(0);
    const int l1 = (int) get_local_id(1);
    const int g0 = (int) get_group_id(0) * PACK_EDGE;
    const int g1 = (int) get_group_id(1) * PACK_EDGE;
    /* Read the tile along S's rows as stored: (K, X), or (X, K) when trans. Both layouts take the same path through
       the barrier: with an early return for the untransposed case, POCL 3.1 corrupted the host's heap. */
    const int rows = trans ? X : K;
    const int cols = trans ? K : X;
    tile[l1][l0] = (g1 + l1 < rows && g0 + l0 < cols) ? S[(g1 + l1) * cols + g0 + l0] : 0.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    /* Write it along P's rows: as read, or transposed. */
    const int p = trans ? g0 + l1 : g1 + l1;
    const int x = trans ? g1 + l0 : g0 + l0;
    if (x < Xp && p < Kp) {
        P[p * Xp + x] = trans ? tile[l0][l1] : tile[l1][l0];
    }
}

__kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1)))
void gemm_gpu(__global float *C, const __global float *Ap, const __global float *Bp, const int M, const int N,
              const int Mp, const int Np, const int Kp, const float alpha, const float beta) {
    const int tn = (int) get_local_id(0);
    const int tm = (int) get_local_id(1);
    const int m0 = (int) get_group_id(1) * MWG;
    const int n0 = (int) get_group_id(0) * NWG;
#if SA
    __local float Alm[KWG * MWG]; /* [k][i]: the KWG x MWG slice of Ap */
#endif
#if SB
    __local float Blm[KWG * NWG]; /* [k][j] */
#endif
#if SA || SB
    const int tid = tm * NDIMC + tn;
#endif

    float acc[MWI][NWI];
#pragma unroll
    for (int r = 0; r < MWI; r++) {
#pragma unroll
        for (int c = 0; c < NWI; c++) {
            acc[r][c] = 0.0f;
        }
    }

    for (int k0 = 0; k0 < Kp; k0 += KWG) {
        /* Consecutive work-items load consecutive vectors of a slice's rows, so a group's loads are coalesced. */
#if SA
#pragma unroll
        for (int l = 0; l < (A_VECTORS + THREADS - 1) / THREADS; l++) {
            const int v = tid + l * THREADS;
#if A_VECTORS % THREADS
            if (v < A_VECTORS)
#endif
            {
                const int k = v / (MWG / VWM);
                const int i = (v - k * (MWG / VWM)) * VWM;
                VSTORE(VWM, VLOAD(VWM, Ap + (k0 + k) * Mp + m0 + i), Alm + k * MWG + i);
            }
        }
#endif
#if SB
#pragma unroll
        for (int l = 0; l < (B_VECTORS + THREADS - 1) / THREADS; l++) {
            const int v = tid + l * THREADS;
#if B_VECTORS % THREADS
            if (v < B_VECTORS)
#endif
            {
                const int k = v / (NWG / VWN);
                const int j = (v - k * (NWG / VWN)) * VWN;
                VSTORE(VWN, VLOAD(VWN, Bp + (k0 + k) * Np + n0 + j), Blm + k * NWG + j);
            }
        }
#endif
#if SA || SB
        barrier(CLK_LOCAL_MEM_FENCE);
#endif
        for (int kw = 0; kw < KWG; kw += KWI) {
#pragma unroll
            for (int ku = 0; ku < KWI; ku++) {
                const int k = kw + ku;
                float apm[MWI];
                float bpm[NWI];
#pragma unroll
                for (int g = 0; g < MWI / VWM; g++) {
#if SA
                    VSTORE(VWM, VLOAD(VWM, Alm + k * MWG + ROW(g, tm)), apm + g * VWM);
#else
                    VSTORE(VWM, VLOAD(VWM, Ap + (k0 + k) * Mp + m0 + ROW(g, tm)), apm + g * VWM);
#endif
                }
#pragma unroll
                for (int g = 0; g < NWI / VWN; g++) {
#if SB
                    VSTORE(VWN, VLOAD(VWN, Blm + k * NWG + COL(g, tn)), bpm + g * VWN);
#else
                    VSTORE(VWN, VLOAD(VWN, Bp + (k0 + k) * Np + n0 + COL(g, tn)), bpm + g * VWN);
#endif
                }
#pragma unroll
                for (int r = 0; r < MWI; r++) {
#pragma unroll
                    for (int c = 0; c < NWI; c++) {
                        acc[r][c] = fma(apm[r], bpm[c], acc[r][c]);
                    }
                }
            }
        }
#if SA || SB
        /* The next step overwrites the slices every work-item has just read. */
        barrier(CLK_LOCAL_MEM_FENCE);
#endif
    }

#pragma unroll
    for (int r = 0; r < MWI; r++) {
        const int i = m0 + ROW(r / VWM, tm) + r % VWM;
#pragma unroll
        for (int c = 0; c < NWI; c++) {
            const int j = n0 + COL(c / VWN, tn) + c % VWN;
            if (i < M && j < N) {
                const int at = i * N + j;
                C[at] = beta == 0.0f ? alpha * acc[r][c] : alpha * acc[r][c] + beta * C[at];
            }
        }
    }
}
