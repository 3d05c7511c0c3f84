package dev.clnn.spark;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A {@link ReplicaResult} as bytes for the barrier exchange: the float arrays copied in bulk, which is several times
 * faster than Java serialization for the megabytes of a gradient. Layout: partition, the step rows and loss sums, the
 * state (weights, momentum, buffers) and the gradients, each array with its length first (−1 for null), the device
 * name last.
 */
final class ResultCodec {
    private ResultCodec() {
    }

    static ByteBuffer encode(ReplicaResult r) {
        byte[] device = r.device().getBytes(StandardCharsets.UTF_8);
        ReplicaState s = r.state();
        long size = 4L + 4 + 4L * r.stepRows().length + 4 + 8L * r.stepLossSums().length + 1
                + (s == null ? 0 : size(s.weights()) + size(s.momentum()) + 1
                        + (s.buffers() == null ? 0 : size(s.buffers().values()) + 4 + 8L * s.buffers().counts().length))
                + size(r.gradients()) + 4 + device.length;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size));
        out.putInt(r.partition());
        out.putInt(r.stepRows().length);
        out.asIntBuffer().put(r.stepRows());
        out.position(out.position() + 4 * r.stepRows().length);
        out.putInt(r.stepLossSums().length);
        out.asDoubleBuffer().put(r.stepLossSums());
        out.position(out.position() + 8 * r.stepLossSums().length);
        out.put((byte) (s == null ? 0 : 1));
        if (s != null) {
            put(out, s.weights());
            put(out, s.momentum());
            out.put((byte) (s.buffers() == null ? 0 : 1));
            if (s.buffers() != null) {
                put(out, s.buffers().values());
                out.putInt(s.buffers().counts().length);
                out.asLongBuffer().put(s.buffers().counts());
                out.position(out.position() + 8 * s.buffers().counts().length);
            }
        }
        put(out, r.gradients());
        out.putInt(device.length);
        out.put(device);
        return out.flip();
    }

    static ReplicaResult decode(ByteBuffer in) {
        int partition = in.getInt();
        int[] stepRows = new int[in.getInt()];
        in.asIntBuffer().get(stepRows);
        in.position(in.position() + 4 * stepRows.length);
        double[] stepLossSums = new double[in.getInt()];
        in.asDoubleBuffer().get(stepLossSums);
        in.position(in.position() + 8 * stepLossSums.length);
        ReplicaState state = null;
        if (in.get() == 1) {
            float[][] weights = get(in);
            float[][] momentum = get(in);
            ModelBuffers buffers = null;
            if (in.get() == 1) {
                float[][] values = get(in);
                long[] counts = new long[in.getInt()];
                in.asLongBuffer().get(counts);
                in.position(in.position() + 8 * counts.length);
                buffers = new ModelBuffers(values, counts);
            }
            state = new ReplicaState(weights, momentum, buffers);
        }
        float[][] gradients = get(in);
        byte[] device = new byte[in.getInt()];
        in.get(device);
        return new ReplicaResult(partition, stepRows, stepLossSums, state, gradients,
                new String(device, StandardCharsets.UTF_8));
    }

    private static long size(float[][] arrays) {
        long size = 4;
        if (arrays != null) {
            for (float[] a : arrays) {
                size += 4 + (a == null ? 0 : 4L * a.length);
            }
        }
        return size;
    }

    private static void put(ByteBuffer out, float[][] arrays) {
        out.putInt(arrays == null ? -1 : arrays.length);
        if (arrays == null) {
            return;
        }
        for (float[] a : arrays) {
            out.putInt(a == null ? -1 : a.length);
            if (a != null) {
                out.asFloatBuffer().put(a);
                out.position(out.position() + 4 * a.length);
            }
        }
    }

    private static float[][] get(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0) {
            return null;
        }
        float[][] arrays = new float[count][];
        for (int i = 0; i < count; i++) {
            int length = in.getInt();
            if (length >= 0) {
                arrays[i] = new float[length];
                in.asFloatBuffer().get(arrays[i]);
                in.position(in.position() + 4 * length);
            }
        }
        return arrays;
    }
}
