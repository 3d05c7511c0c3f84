package dev.clnn.data;

import java.util.Arrays;

/**
 * The contents of one IDX file: its dimensions and its unsigned-byte elements, row-major.
 *
 * @param shape dimensions from the header: {count, rows, cols} for images, {count} for labels
 * @param data  product(shape) bytes, row-major; each byte is unsigned (read with {@link #unsigned(int)})
 */
public record IdxArray(int[] shape, byte[] data) {
    public IdxArray {
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + size + " bytes, data has " + data.length);
        }
        shape = shape.clone();
    }

    /** The shape; a copy, so the caller may change it. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The first dimension: images or labels in the file. */
    public int count() {
        return shape[0];
    }

    /** Element i (flat, row-major) as an unsigned value in [0, 255]. */
    public int unsigned(int i) {
        return data[i] & 0xff;
    }

    @Override
    public String toString() {
        return "IdxArray" + Arrays.toString(shape);
    }
}
