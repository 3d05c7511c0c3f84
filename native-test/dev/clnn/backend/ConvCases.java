package dev.clnn.backend;

import java.util.List;

/**
 * Convolution geometries: kernels 1, 3, 5; strides 1, 2; padding 0–2; odd and prime sizes, rows wider than a float8;
 * cin 1 and more; batch 1 and more.
 */
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
                // Rows of several float8 chunks with a partial last one, and output channels that leave the direct
                // kernels' channel blocks part-filled (11 = 8 + 3 = 2·4 + 3).
                Conv2dShape.square(3, 1, 23, 29, 11, 3, 1, 1),
                Conv2dShape.square(2, 2, 31, 37, 9, 3, 2, 1),
                Conv2dShape.square(64, 16, 14, 14, 32, 3, 1, 1));
    }
}
