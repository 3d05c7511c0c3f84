package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import java.util.Arrays;

/** Reuse of a layer's owned output buffers across calls of the same batch shape. */
final class Buffers {
    private Buffers() {
    }

    /** {@code old} when it already has this dtype and shape, else a fresh tensor (and {@code old} is closed). */
    static Tensor reuse(Backend backend, Tensor old, DType dtype, int[] shape) {
        if (old != null && old.dtype() == dtype && Arrays.equals(old.shape(), shape)) {
            return old;
        }
        if (old != null) {
            old.close();
        }
        return backend.empty(dtype, shape);
    }

    static void close(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    /** Checks that dy has the shape the forward pass produced. */
    static void requireShape(String layer, String what, Tensor t, int[] expected) {
        if (expected == null) {
            throw new IllegalStateException(layer + ": backward called before forward");
        }
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(layer + " expects " + what + " " + Arrays.toString(expected)
                    + " but got " + Arrays.toString(t.shape()));
        }
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
