package dev.clnn.data;

/**
 * The safetensors element types this library reads and writes, with the Java array that holds each in memory:
 * F32 as float[], F64 as double[], I32 as int[], I64 as long[]. Elements are little-endian in the file.
 */
public enum SafetensorsDtype {
    F32(4, float[].class),
    F64(8, double[].class),
    I32(4, int[].class),
    I64(8, long[].class);

    private final int bytes;
    private final Class<?> arrayType;

    SafetensorsDtype(int bytes, Class<?> arrayType) {
        this.bytes = bytes;
        this.arrayType = arrayType;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The Java array class that holds elements of this type. */
    public Class<?> arrayType() {
        return arrayType;
    }

    /** The dtype spelled as in a header ("F32"), or null if it is not one of the four supported. */
    static SafetensorsDtype fromHeader(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
