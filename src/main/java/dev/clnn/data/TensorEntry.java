package dev.clnn.data;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a safetensors file: its dtype, its shape and its elements, row-major. The data array's type
 * follows the dtype (see {@link SafetensorsDtype}) and its length is product(shape); a scalar has shape {} and one
 * element. Build entries with {@link #f32}, {@link #f64}, {@link #i32} or {@link #i64}.
 *
 * <p>The data array is shared, not copied (checkpoints can be large); treat it as read-only.
 *
 * @param name  the tensor's key in the header, e.g. "fc1.weight"
 * @param dtype element type
 * @param shape dimensions, each ≥ 0; {} for a scalar
 * @param data  a float[], double[], int[] or long[] (as the dtype says) of product(shape) elements
 */
public record TensorEntry(String name, SafetensorsDtype dtype, int[] shape, Object data) {
    public TensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        if (data.getClass() != dtype.arrayType()) {
            throw new IllegalArgumentException("tensor \"" + name + "\": dtype " + dtype + " needs a "
                    + dtype.arrayType().getSimpleName() + ", got " + data.getClass().getSimpleName());
        }
        long count = elementCount(name, shape);
        if (Array.getLength(data) != count) {
            throw new IllegalArgumentException("tensor \"" + name + "\": shape " + Arrays.toString(shape) + " needs "
                    + count + " elements, data has " + Array.getLength(data));
        }
        shape = shape.clone();
    }

    /** An F32 tensor. */
    public static TensorEntry f32(String name, int[] shape, float[] data) {
        return new TensorEntry(name, SafetensorsDtype.F32, shape, data);
    }

    /** An F64 tensor. */
    public static TensorEntry f64(String name, int[] shape, double[] data) {
        return new TensorEntry(name, SafetensorsDtype.F64, shape, data);
    }

    /** An I32 tensor. */
    public static TensorEntry i32(String name, int[] shape, int[] data) {
        return new TensorEntry(name, SafetensorsDtype.I32, shape, data);
    }

    /** An I64 tensor. */
    public static TensorEntry i64(String name, int[] shape, long[] data) {
        return new TensorEntry(name, SafetensorsDtype.I64, shape, data);
    }

    /** The product of the shape, checked to be a valid array length; 1 for a scalar. */
    static long elementCount(String name, int[] shape) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "tensor \"" + name + "\": shape " + Arrays.toString(shape) + " has a negative entry");
            }
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor \"" + name + "\": shape " + Arrays.toString(shape)
                        + " has more elements than a Java array holds");
            }
        }
        return count;
    }

    /** The shape; a copy. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: product(shape), 1 for a scalar. */
    public int size() {
        return Array.getLength(data);
    }

    /** The F32 data itself; an error for any other dtype. */
    public float[] floats() {
        return (float[]) dataOf(SafetensorsDtype.F32);
    }

    /** The F64 data itself; an error for any other dtype. */
    public double[] doubles() {
        return (double[]) dataOf(SafetensorsDtype.F64);
    }

    /** The I32 data itself; an error for any other dtype. */
    public int[] ints() {
        return (int[]) dataOf(SafetensorsDtype.I32);
    }

    /** The I64 data itself; an error for any other dtype. */
    public long[] longs() {
        return (long[]) dataOf(SafetensorsDtype.I64);
    }

    /**
     * The values as floats: F32 data as it is (shared), F64 rounded to the nearest float (a new array).
     *
     * @throws IllegalStateException for an integer dtype
     */
    public float[] toFloats() {
        if (dtype == SafetensorsDtype.F32) {
            return floats();
        }
        if (dtype != SafetensorsDtype.F64) {
            throw new IllegalStateException("tensor \"" + name + "\" is " + dtype + ", not a float type");
        }
        double[] src = doubles();
        float[] out = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = (float) src[i];
        }
        return out;
    }

    /**
     * The values as ints: I32 data as it is (shared), I64 narrowed to a new array after checking every value fits,
     * e.g. labels saved by PyTorch as int64.
     *
     * @throws IllegalStateException for a float dtype or an I64 value outside the int range (naming its index)
     */
    public int[] toInts() {
        if (dtype == SafetensorsDtype.I32) {
            return ints();
        }
        if (dtype != SafetensorsDtype.I64) {
            throw new IllegalStateException("tensor \"" + name + "\" is " + dtype + ", not an integer type");
        }
        long[] src = longs();
        int[] out = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            if (src[i] != (int) src[i]) {
                throw new IllegalStateException("tensor \"" + name + "\": element " + i + " = " + src[i]
                        + " does not fit in an int");
            }
            out[i] = (int) src[i];
        }
        return out;
    }

    private Object dataOf(SafetensorsDtype wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("tensor \"" + name + "\" is " + dtype + ", not " + wanted);
        }
        return data;
    }

    @Override
    public String toString() {
        return "TensorEntry[" + name + ", " + dtype + ", " + Arrays.toString(shape) + "]";
    }
}
