package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;

/**
 * A layer's state that is saved and loaded with its parameters but not trained (PyTorch's registered buffers):
 * either an F32 tensor on the backend (batch norm's {@code running_mean}, {@code running_var}) or a host-side count
 * (its {@code num_batches_tracked}, an I64 scalar of shape [] in a state dict). The layer owns the tensor.
 */
public final class StateBuffer {
    private final String name;
    private final Backend backend;
    private final Tensor tensor;
    private long count;

    private StateBuffer(String name, Backend backend, Tensor tensor) {
        this.name = name;
        this.backend = backend;
        this.tensor = tensor;
    }

    /** An F32 tensor buffer on {@code backend}; the layer keeps ownership of {@code tensor}. */
    public static StateBuffer tensor(Backend backend, String name, Tensor tensor) {
        return new StateBuffer(name, backend, tensor);
    }

    /** A count starting at 0. */
    public static StateBuffer count(String name) {
        return new StateBuffer(name, null, null);
    }

    /** A tensor buffer's values, read from its backend. */
    public float[] readFloats() {
        return backend.readFloats(tensor());
    }

    /** Writes a tensor buffer's values. */
    public void write(float[] values) {
        backend.write(tensor(), values);
    }

    /** The name within its layer, as in a PyTorch state dict, e.g. "running_mean". */
    public String name() {
        return name;
    }

    /** Whether this is a count (an I64 scalar) rather than a tensor. */
    public boolean isCount() {
        return tensor == null;
    }

    /** The tensor of a tensor buffer. */
    public Tensor tensor() {
        if (tensor == null) {
            throw new IllegalStateException(name + " is a count, not a tensor");
        }
        return tensor;
    }

    /** The shape as a state dict gives it: a count is a scalar, []. */
    public int[] shape() {
        return tensor == null ? new int[0] : tensor.shape();
    }

    public long count() {
        return count;
    }

    public void setCount(long count) {
        this.count = count;
    }

    @Override
    public String toString() {
        return tensor == null ? name + "=" + count : name + tensor;
    }
}
