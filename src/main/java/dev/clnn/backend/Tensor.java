package dev.clnn.backend;

import java.util.Arrays;

/**
 * A dense row-major array with a shape, stored by one backend. Backends only accept their own tensors. A view
 * ({@link #view}) shares storage with its base and closing it frees nothing.
 */
public abstract class Tensor implements AutoCloseable {
    private final int[] shape;
    private final DType dtype;
    private final int size;

    protected Tensor(DType dtype, int[] shape) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.size = Shapes.elementCount(shape);
    }

    public final DType dtype() {
        return dtype;
    }

    public final int[] shape() {
        return shape.clone();
    }

    public final int rank() {
        return shape.length;
    }

    public final int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements (1 for a scalar of shape []). */
    public final int size() {
        return size;
    }

    /** The same storage under another shape with the same element count. */
    public abstract Tensor view(int... newShape);

    protected final void checkView(int[] newShape) {
        if (Shapes.elementCount(newShape) != size) {
            throw new IllegalArgumentException("cannot view a tensor of shape " + Arrays.toString(shape) + " ("
                    + size + " elements) as " + Arrays.toString(newShape));
        }
    }

    @Override
    public abstract void close();

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
