package dev.clnn.backend.opencl;

import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.device.DeviceBuffer;

/** A tensor in device memory. Views share the base's buffer and do not free it. */
final class ClTensor extends Tensor {
    final DeviceBuffer buffer;
    /** For I32 tensors: the range of the ints the host last uploaded, shared with the views. */
    final HostIntRange ints;
    private final boolean owner;

    ClTensor(DType dtype, int[] shape, DeviceBuffer buffer, boolean owner) {
        this(dtype, shape, buffer, owner, new HostIntRange());
    }

    private ClTensor(DType dtype, int[] shape, DeviceBuffer buffer, boolean owner, HostIntRange ints) {
        super(dtype, shape);
        this.buffer = buffer;
        this.ints = ints;
        this.owner = owner;
    }

    @Override
    public Tensor view(int... newShape) {
        checkView(newShape);
        return new ClTensor(dtype(), newShape, buffer, false, ints);
    }

    @Override
    public void close() {
        if (owner) {
            buffer.close();
        }
    }
}
