package dev.clnn.backend.opencl.tuning;

import dev.clnn.device.DeviceInfo;

/**
 * The GEMM configuration of a device nobody has tuned, from the class its preferred float vector width puts it in.
 * Each class's shape is the one that measured fastest on a CPU of that class (benchmarks/RESULTS.md has
 * the figures); a tuner's result replaces it.
 */
final class GemmDefaults {
    /**
     * AVX-512: 12 rows × two float16, 27 of the 32 vector registers; blocks that use 29 or more spilled or ran
     * slower, and the former 16 × one float16 makes about twice the loads per multiply-add.
     */
    static final GemmConfig AVX512 = new GemmConfig(16, 12, 2, 8);
    /**
     * AVX2: 3 rows × three float8, 13 of the 16 registers; LLVM spilled the 16-register 4 × three block in the inner
     * loop, and 6 × two (15) ran slower from 1024² up.
     */
    static final GemmConfig AVX2 = new GemmConfig(8, 3, 3, 8);
    /**
     * Narrower (SSE, NEON, or a device that reports no preference): float4 columns, the AVX2 block's shape for the
     * same 16 registers; not measured on such a CPU.
     */
    static final GemmConfig NARROW = new GemmConfig(4, 3, 3, 8);
    /**
     * 64-bit lanes and plain floats: the same 3 × 3 block for the same 16 registers ({@link GemmConfig#candidates}),
     * what a tuner and the width probe measure first for these widths (llvmpipe, which vectorises across work-items,
     * may run them best).
     */
    static final GemmConfig PAIR = new GemmConfig(2, 3, 3, 8);
    static final GemmConfig SCALAR = new GemmConfig(1, 3, 3, 8);

    private GemmDefaults() {
    }

    /** The default for {@code info}'s class; GPUs get one too, though they run gemm_gpu rather than this kernel. */
    static GemmConfig forDevice(DeviceInfo info) {
        return forWidth(GemmConfig.nativeWidth(info));
    }

    /** The default shape of vectors of {@code width} floats (1, 2, 4, 8 or 16). */
    static GemmConfig forWidth(int width) {
        return switch (width) {
            case 16 -> AVX512;
            case 8 -> AVX2;
            case 4 -> NARROW;
            case 2 -> PAIR;
            case 1 -> SCALAR;
            default -> throw new IllegalArgumentException("GEMM vector width must be 1, 2, 4, 8 or 16, not " + width);
        };
    }
}
