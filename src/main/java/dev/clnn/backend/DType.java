package dev.clnn.backend;

/** Element types a tensor can hold: 32-bit floats (data) and 32-bit ints (labels, arg-max indices, counts). */
public enum DType {
    F32,
    I32
}
