package dev.clnn.backend;

import java.util.List;

/**
 * Pooling geometries for parity tests: windows 1–5, strides 1–3, padding up to half the window, odd sizes; 2×2 windows
 * that tile even inputs (the *_2x2 kernels) and that leave an odd row or column over (the block kernels).
 */
final class PoolCases {
    private PoolCases() {
    }

    static List<Pool2d> all() {
        return List.of(
                Pool2d.square(1, 1, 1, 1, 1, 1, 0),
                Pool2d.square(2, 3, 5, 5, 2, 2, 0),
                Pool2d.square(1, 2, 7, 9, 3, 2, 1),
                Pool2d.square(3, 1, 13, 11, 3, 1, 1),
                Pool2d.square(2, 5, 17, 17, 5, 3, 2),
                Pool2d.square(1, 1, 6, 7, 2, 1, 1),
                new Pool2d(2, 3, 9, 8, 2, 3, 1, 2, 1, 1),
                Pool2d.square(8, 16, 28, 28, 2, 2, 0),
                Pool2d.square(1, 1, 2, 2, 2, 2, 0),
                Pool2d.square(3, 5, 14, 6, 2, 2, 0),
                Pool2d.square(2, 3, 7, 10, 2, 2, 0),
                Pool2d.square(64, 16, 28, 28, 3, 2, 1));
    }
}
