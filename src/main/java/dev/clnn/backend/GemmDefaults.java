package dev.clnn.backend;

import dev.clnn.device.DeviceInfo;

/**
 * The GEMM configuration of a device nobody has tuned, from the class its preferred float vector width puts it in.
 * Each class's shape is the one that measured fastest on a CPU of that class (the README's performance section has
 * the figures); a tuner's result replaces it.
 */
final class GemmDefaults {
    /** AVX-512: float16 columns, with 32 vector registers for the accumulators. */
    static final GemmConfig AVX512 = new GemmConfig(16, 16, 1, 32);
    /** AVX2: float8 columns, 16 vector registers. */
    static final GemmConfig AVX2 = new GemmConfig(8, 6, 2, 8);
    /** Narrower (SSE, NEON, or a device that reports no preference): float4 columns, 16 vector registers. */
    static final GemmConfig NARROW = new GemmConfig(4, 6, 2, 8);

    private GemmDefaults() {
    }

    /** The default for {@code info}'s class; GPUs get one too, though they run gemm_tiled rather than this kernel. */
    static GemmConfig forDevice(DeviceInfo info) {
        return switch (GemmConfig.nativeWidth(info)) {
            case 16 -> AVX512;
            case 8 -> AVX2;
            default -> NARROW;
        };
    }
}
