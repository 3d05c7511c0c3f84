package dev.clnn.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns two arrays, features {@code x} and targets {@code y}, into a {@link TabularData}; shared by the NumPy and
 * safetensors table readers so both follow one set of rules:
 * <ul>
 * <li>{@code x} has shape (n, f) or (n, d1, d2, …), flattened per row to f = d1·d2·… features named
 * {@code x[0]}…{@code x[f-1]}; any dtype, integers converted to float (exact up to 2^24), F64 rounded to float.
 * <li>{@code y} of an integer dtype with shape (n,) or (n, 1) is class labels: classes 0…max, named
 * {@code "0"}…; a negative label is an error.
 * <li>{@code y} of a float dtype with shape (n,) is one float target column named {@code y}; with shape (n, k) it
 * is k columns named {@code y[0]}…{@code y[k-1]}.
 * <li>x and y must have the same n; every x value and float y value must be finite (after rounding to float).
 * </ul>
 */
public final class ArrayTables {
    private ArrayTables() {
    }

    /**
     * Reads a safetensors file holding tensors {@code x} and {@code y} ({@code X}, {@code Y} also accepted) as a
     * table, by the rules above. Other tensors in the file are ignored.
     *
     * @throws DataFileException if the file is malformed, a tensor is missing, or the tensors do not make a table
     */
    public static TabularData readSafetensors(Path file) {
        Map<String, TensorEntry> tensors = Safetensors.read(file).tensors();
        return fromArrays(pick(tensors, file, "x", "X"), pick(tensors, file, "y", "Y"), file);
    }

    /**
     * Makes a table of a feature array and a target array, by the rules in the class comment.
     *
     * @param source the file to name in errors
     * @throws DataFileException naming {@code source} if the shapes, dtypes or values do not make a table
     */
    public static TabularData fromArrays(TensorEntry x, TensorEntry y, Object source) {
        int[] xShape = x.shape();
        int[] yShape = y.shape();
        if (xShape.length < 2) {
            throw new DataFileException(source, "x has shape " + Arrays.toString(xShape)
                    + "; it needs shape (rows, features), e.g. x.reshape(-1, 1) for one feature");
        }
        int n = xShape[0];
        if (yShape.length < 1 || yShape.length > 2) {
            throw new DataFileException(source, "y has shape " + Arrays.toString(yShape)
                    + "; it needs shape (rows,) or (rows, targets)");
        }
        if (yShape[0] != n) {
            throw new DataFileException(source, "x has shape " + Arrays.toString(xShape) + " but y has shape "
                    + Arrays.toString(yShape) + ": the row counts differ");
        }
        int features = n == 0 ? product(xShape, 1) : x.size() / n;
        if (features == 0) {
            throw new DataFileException(source, "x has shape " + Arrays.toString(xShape) + ": no features");
        }
        float[] xs = asFloats(x);
        checkFinite(xs, features, "x", source);
        List<String> featureNames = new ArrayList<>(features);
        for (int j = 0; j < features; j++) {
            featureNames.add("x[" + j + "]");
        }
        return new TabularData(xs, n, featureNames, target(y, yShape, source));
    }

    private static TabularData.Target target(TensorEntry y, int[] shape, Object source) {
        boolean integer = y.dtype() == SafetensorsDtype.I32 || y.dtype() == SafetensorsDtype.I64;
        if (integer) {
            if (shape.length == 2 && shape[1] != 1) {
                throw new DataFileException(source, "y has integer dtype and shape " + Arrays.toString(shape)
                        + "; class labels need shape (rows,), and float targets a float dtype");
            }
            int[] labels;
            try {
                labels = y.toInts().clone();
            } catch (IllegalStateException e) {
                throw new DataFileException(source, e.getMessage(), e);
            }
            int max = -1;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0) {
                    throw new DataFileException(source, "y[" + i + "] = " + labels[i]
                            + " is a negative class label");
                }
                max = Math.max(max, labels[i]);
            }
            List<String> classNames = new ArrayList<>(max + 1);
            for (int c = 0; c <= max; c++) {
                classNames.add(Integer.toString(c));
            }
            return new TabularData.ClassLabels(labels, classNames);
        }
        int columns = shape.length == 1 ? 1 : shape[1];
        if (columns == 0) {
            throw new DataFileException(source, "y has shape " + Arrays.toString(shape) + ": no target columns");
        }
        float[] values = asFloats(y);
        checkFinite(values, columns, "y", source);
        List<String> names = new ArrayList<>(columns);
        if (shape.length == 1) {
            names.add("y");
        } else {
            for (int k = 0; k < columns; k++) {
                names.add("y[" + k + "]");
            }
        }
        return new TabularData.FloatTargets(values, names);
    }

    /** The array among {@code names} that is there, the first name preferred. */
    static TensorEntry pick(Map<String, TensorEntry> arrays, Object source, String... names) {
        for (String name : names) {
            TensorEntry t = arrays.get(name);
            if (t != null) {
                return t;
            }
        }
        throw new DataFileException(source, "no array " + String.join(" or ", names) + "; the file has "
                + arrays.keySet());
    }

    /** The values as floats: float data shared when F32, else converted into a new array. */
    private static float[] asFloats(TensorEntry t) {
        switch (t.dtype()) {
            case F32:
            case F64:
                return t.toFloats();
            case I32: {
                int[] src = t.ints();
                float[] out = new float[src.length];
                for (int i = 0; i < src.length; i++) {
                    out[i] = src[i];
                }
                return out;
            }
            default: {
                long[] src = t.longs();
                float[] out = new float[src.length];
                for (int i = 0; i < src.length; i++) {
                    out[i] = src[i];
                }
                return out;
            }
        }
    }

    private static void checkFinite(float[] values, int columns, String array, Object source) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new DataFileException(source, array + "[" + (i / columns) + ", " + (i % columns) + "] is "
                        + values[i] + " (as float32); every value must be finite");
            }
        }
    }

    private static int product(int[] shape, int from) {
        int p = 1;
        for (int i = from; i < shape.length; i++) {
            p *= shape[i];
        }
        return p;
    }
}
