package dev.clnn.backend.opencl;

import dev.clnn.backend.DType;
import dev.clnn.backend.Shapes;
import dev.clnn.backend.Tensor;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One device buffer holding a replica's parameter gradients one after another, each a sub-buffer of it, so that the
 * device-side all-reduce ({@link DeviceGradientSum}) maps, wraps and sums one buffer per replica instead of one per
 * parameter: each map, alias and launch is a command with a fixed cost whatever its size, so their number should
 * not grow with the model's parameters. Each gradient starts at a multiple of the device's sub-buffer alignment; the gaps are
 * zero and stay zero (the sum of zeros), so summing the whole buffer sums every gradient element by element.
 */
public final class GradientArena implements AutoCloseable {
    private final DeviceBuffer buffer;
    private final List<Tensor> gradients;
    private final int elements;
    private final long[] offsets; // [tensor]: bytes from the buffer's start

    /**
     * Allocates zeroed room for tensors of {@code shapes} (F32) on {@code backend}'s device.
     *
     * @throws IllegalArgumentException when the gradients with their alignment gaps exceed 2³¹ − 1 floats
     */
    public GradientArena(OpenClBackend backend, List<int[]> shapes) {
        ClDevice device = backend.device();
        long align = device.subBufferAlignment();
        this.offsets = new long[shapes.size()];
        long end = 0;
        for (int i = 0; i < shapes.size(); i++) {
            offsets[i] = (end + align - 1) / align * align;
            end = offsets[i] + (long) Shapes.elementCount(shapes.get(i)) * Float.BYTES;
        }
        if (end / Float.BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gradients of " + end / Float.BYTES + " floats with alignment gaps do"
                    + " not fit one buffer of at most " + Integer.MAX_VALUE);
        }
        this.elements = (int) Math.max(1, end / Float.BYTES);
        this.buffer = device.unpooledBuffer((long) elements * Float.BYTES);
        this.gradients = new ArrayList<>();
        try {
            device.fill(buffer, elements, 0, "zeroing a gradient arena");
            for (int i = 0; i < shapes.size(); i++) {
                long bytes = (long) Shapes.elementCount(shapes.get(i)) * Float.BYTES;
                gradients.add(new ClTensor(DType.F32, shapes.get(i).clone(),
                        device.subBuffer(buffer, offsets[i], bytes), true));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The gradient tensors, in the order of the shapes; each closes its own sub-buffer. */
    public List<Tensor> gradients() {
        return List.copyOf(gradients);
    }

    /**
     * Bytes [start, end) of the buffer that hold gradients [from, to) and the gaps after each: the range a bucket of
     * consecutive gradients maps and sums as one.
     */
    long[] range(int from, int to) {
        if (from < 0 || to > offsets.length || from >= to) {
            throw new IllegalArgumentException("gradients " + from + " to " + to + " of " + offsets.length);
        }
        return new long[] {offsets[from], to == offsets.length ? (long) elements * Float.BYTES : offsets[to]};
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    /** The whole buffer as one F32 tensor (gradients and gaps), for the sum; not closed by its user. */
    public Tensor whole() {
        return new ClTensor(DType.F32, new int[] {elements}, buffer, false);
    }

    /** Releases the buffer; the gradients' sub-buffers keep the memory until they are closed. */
    @Override
    public void close() {
        buffer.close();
    }
}
