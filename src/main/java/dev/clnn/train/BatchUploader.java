package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.model.Models;
import java.util.HashMap;
import java.util.Map;

/**
 * Copies host batches into device tensors, reusing one set per row count: an epoch has at most two batch sizes (full
 * and last), so no device allocation happens after the first epoch.
 */
public final class BatchUploader implements AutoCloseable {
    private final Backend backend;
    private final int[] sampleShape;
    private final Map<Integer, DeviceBatch> byRows = new HashMap<>();

    /**
     * A batch on the device.
     *
     * @param x       the samples, [rows, sample…]
     * @param labels  the class labels, I32 [rows], or null when the data has none
     * @param targets the float targets, F32 [rows, width], or null when the data has none
     */
    public record DeviceBatch(Tensor x, Tensor labels, Tensor targets) {
        /** What {@code loss} compares the outputs with: the float targets or the labels. */
        public Tensor target(LossKind loss) {
            return loss.floatTargets() ? targets : labels;
        }
    }

    /** @param sampleShape one sample's shape, e.g. {784} or {1, 28, 28} */
    public BatchUploader(Backend backend, int[] sampleShape) {
        this.backend = backend;
        this.sampleShape = sampleShape.clone();
    }

    /** The batch on the device. */
    public DeviceBatch upload(Batch batch) {
        return upload(batch.x(), batch.y(), batch.targets(), batch.rows());
    }

    /**
     * As {@link #upload(Batch)} for {@code rows} samples x (rows·sample elements), labels y (rows, or null) and
     * targets (rows·width, or null).
     */
    public DeviceBatch upload(float[] x, int[] y, float[] targets, int rows) {
        DeviceBatch b = byRows.computeIfAbsent(rows, r -> new DeviceBatch(
                backend.empty(DType.F32, Models.batchShape(r, sampleShape)),
                y == null ? null : backend.empty(DType.I32, r),
                targets == null ? null : backend.empty(DType.F32, r, targets.length / r)));
        backend.write(b.x(), x);
        if (y != null) {
            backend.write(b.labels(), y);
        }
        if (targets != null) {
            backend.write(b.targets(), targets);
        }
        return b;
    }

    @Override
    public void close() {
        for (DeviceBatch b : byRows.values()) {
            try (Tensor x = b.x(); Tensor labels = b.labels(); Tensor targets = b.targets()) {
                // all three released, the nulls skipped
            }
        }
        byRows.clear();
    }
}
