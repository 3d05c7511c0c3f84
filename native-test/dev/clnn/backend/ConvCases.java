package dev.clnn.backend;

import java.util.List;

/** Convolution geometries: kernels 1, 3, 5; strides 1, 2; padding 0–2; odd sizes; cin 1 and more; batch 1 and more. */
final class ConvCases {
    private ConvCases() {
    }

    static List<Conv2dShape> all() {
        return List.of(
                Conv2dShape.square(1, 1, 1, 1, 1, 1, 1, 0),
                Conv2dShape.square(1, 1, 5, 5, 2, 3, 1, 0),
                Conv2dShape.square(2, 3, 7, 9, 4, 3, 1, 1),
                Conv2dShape.square(3, 2, 9, 7, 5, 3, 2, 1),
                Conv2dShape.square(1, 4, 11, 13, 3, 5, 2, 2),
                Conv2dShape.square(2, 1, 6, 6, 1, 1, 2, 0),
                Conv2dShape.square(5, 3, 8, 8, 2, 5, 1, 2),
                new Conv2dShape(2, 2, 9, 8, 3, 3, 2, 2, 1, 1, 0),
                Conv2dShape.square(64, 16, 14, 14, 32, 3, 1, 1));
    }
}
