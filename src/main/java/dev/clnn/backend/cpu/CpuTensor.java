package dev.clnn.backend.cpu;

import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;

/** A tensor in a Java array: {@code floats} for F32, {@code ints} for I32. */
final class CpuTensor extends Tensor {
    final float[] floats;
    final int[] ints;

    CpuTensor(DType dtype, int[] shape) {
        super(dtype, shape);
        this.floats = dtype == DType.F32 ? new float[size()] : null;
        this.ints = dtype == DType.I32 ? new int[size()] : null;
    }

    private CpuTensor(CpuTensor base, int[] shape) {
        super(base.dtype(), shape);
        this.floats = base.floats;
        this.ints = base.ints;
    }

    @Override
    public Tensor view(int... newShape) {
        checkView(newShape);
        return new CpuTensor(this, newShape);
    }

    @Override
    public void close() {
        // Garbage-collected storage: nothing to release.
    }
}
