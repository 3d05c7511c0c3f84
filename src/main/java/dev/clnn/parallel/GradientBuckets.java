package dev.clnn.parallel;

import dev.clnn.nn.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the all-reduce overlapped with the backward pass groups a model's parameter gradients, as PyTorch's DDP
 * buckets them: walking the layers from the last to the first (the order backward writes them), a bucket takes
 * whole layers' parameters until it holds at least {@code minElements}, and becomes ready once the backward ops of
 * its first layer are queued. Each bucket is a run of consecutive parameters in model order. The grouping decides
 * only when a gradient is summed, never how: each element's sum over the replicas is the same in any bucket.
 */
final class GradientBuckets {
    /**
     * Elements a bucket collects before it closes (1 MiB of floats, DDP's first bucket): a bucket's fixed costs (a
     * map, a wrapper and a launch, tens of microseconds on POCL) stay small next to its sum, and the large layers of
     * an MLP still get a bucket each, so that all but the first layer's sum overlap the backward pass.
     */
    static final int MIN_ELEMENTS = 1 << 18;

    /** Parameters [from, to) in model order. */
    record Bucket(int from, int to) {
    }

    private final List<Bucket> buckets; // in the order they become ready
    private final int[] closedBy; // [layer]: the bucket ready after that layer's backward, or -1

    private GradientBuckets(List<Bucket> buckets, int[] closedBy) {
        this.buckets = List.copyOf(buckets);
        this.closedBy = closedBy;
    }

    /** The buckets of {@code layers} (a model's, in forward order), each of at least {@code minElements} but the last. */
    static GradientBuckets of(List<Layer> layers, int minElements) {
        if (minElements < 1) {
            throw new IllegalArgumentException("a bucket needs at least 1 element, not " + minElements);
        }
        int[] firstParam = new int[layers.size() + 1];
        for (int i = 0; i < layers.size(); i++) {
            firstParam[i + 1] = firstParam[i] + layers.get(i).params().size();
        }
        int[] closedBy = new int[layers.size()];
        Arrays.fill(closedBy, -1);
        List<Bucket> buckets = new ArrayList<>();
        int end = firstParam[layers.size()]; // the open bucket's end
        long elements = 0;
        int lastWithParams = -1;
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i).params().isEmpty()) {
                continue;
            }
            lastWithParams = i;
            elements += layers.get(i).params().stream().mapToLong(p -> p.size()).sum();
            if (elements >= minElements) {
                closedBy[i] = buckets.size();
                buckets.add(new Bucket(firstParam[i], end));
                end = firstParam[i];
                elements = 0;
            }
        }
        if (end > 0) {
            closedBy[lastWithParams] = buckets.size();
            buckets.add(new Bucket(0, end));
        }
        return new GradientBuckets(buckets, closedBy);
    }

    /** The buckets in the order they become ready: the last layers' first. */
    List<Bucket> buckets() {
        return buckets;
    }

    int size() {
        return buckets.size();
    }

    /** The bucket that becomes ready once layer {@code layer}'s backward ops are queued, or -1. */
    int closedBy(int layer) {
        return closedBy[layer];
    }
}
