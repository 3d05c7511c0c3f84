package dev.clnn.backend;

import dev.clnn.device.DeviceBuffer;

/** A tensor in device memory. Views share the base's buffer and do not free it. */
final class ClTensor extends Tensor {
    final DeviceBuffer buffer;
    private final boolean owner;

    ClTensor(DType dtype, int[] shape, DeviceBuffer buffer, boolean owner) {
        super(dtype, shape);
        this.buffer = buffer;
        this.owner = owner;
    }

    @Override
    public Tensor view(int... newShape) {
        checkView(newShape);
        return new ClTensor(dtype(), newShape, buffer, false);
    }

    @Override
    public void close() {
        if (owner) {
            buffer.close();
        }
    }
}
