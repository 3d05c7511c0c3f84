package dev.clnn.backend.opencl;

/**
 * What the host knows about the ints in one device buffer: the smallest and largest value of its last upload from
 * host memory, or nothing once a kernel has written it. A tensor and its views share one, as they share the buffer.
 * It lets {@link OpenClBackend} check class labels without reading them back from the device.
 */
final class HostIntRange {
    /** {min, max}, or null when unknown; replaced whole, so readers never see half an update. */
    private volatile int[] minMax;

    /** Records the range of {@code values}, which the buffer now holds (just uploaded, or read back). */
    void record(int[] values) {
        if (values.length == 0) {
            minMax = null;
            return;
        }
        int min = values[0];
        int max = values[0];
        for (int v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        minMax = new int[] {min, max};
    }

    /** Records that every element is {@code value}. */
    void recordFill(int value) {
        minMax = new int[] {value, value};
    }

    /** Forgets the range: a kernel has written the buffer. */
    void forget() {
        minMax = null;
    }

    /** True when every element is known to lie in [lo, hiExclusive); false when unknown or not. */
    boolean knownWithin(int lo, int hiExclusive) {
        int[] r = minMax;
        return r != null && r[0] >= lo && r[1] < hiExclusive;
    }
}
