package dev.clnn.backend;

import java.util.Arrays;

/** Shape arithmetic and the argument checks every backend op runs before it touches data. */
public final class Shapes {
    private Shapes() {
    }

    /** Product of the dimensions; rejects negative sizes and totals that do not fit an int. */
    public static int elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) n;
    }

    /** Checks that {@code t} holds exactly {@code expected} elements of {@code dtype}. */
    public static void check(String op, String name, Tensor t, DType dtype, long expected, String formula) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (t.dtype() != dtype) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + dtype + " but is " + t);
        }
        if (t.size() != expected) {
            throw new IllegalArgumentException(op + ": " + name + " has shape " + Arrays.toString(t.shape()) + " ("
                    + t.size() + " elements) but " + formula + " needs " + expected);
        }
    }

    static void positive(String op, String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(op + ": " + name + " must be positive, got " + value);
        }
    }
}
