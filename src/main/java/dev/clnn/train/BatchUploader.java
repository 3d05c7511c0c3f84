package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.model.Models;
import java.util.HashMap;
import java.util.Map;

/**
 * Copies host batches into device tensors, reusing one (x, labels) pair per row count: an epoch has at most two
 * batch sizes (full and last), so no device allocation happens after the first epoch.
 */
public final class BatchUploader implements AutoCloseable {
    private final Backend backend;
    private final int[] sampleShape;
    private final Map<Integer, Tensor[]> byRows = new HashMap<>();

    /** @param sampleShape one sample's shape, e.g. {784} or {1, 28, 28} */
    public BatchUploader(Backend backend, int[] sampleShape) {
        this.backend = backend;
        this.sampleShape = sampleShape.clone();
    }

    /** The batch on the device: {x [rows, sample...], labels I32 [rows]}. */
    public Tensor[] upload(Batch batch) {
        return upload(batch.x(), batch.y(), batch.rows());
    }

    /** As {@link #upload(Batch)} for {@code rows} samples x (rows·sample elements) and labels y (rows). */
    public Tensor[] upload(float[] x, int[] y, int rows) {
        Tensor[] pair = byRows.computeIfAbsent(rows, r -> new Tensor[] {
            backend.empty(DType.F32, Models.batchShape(r, sampleShape)), backend.empty(DType.I32, r)});
        backend.write(pair[0], x);
        backend.write(pair[1], y);
        return pair;
    }

    @Override
    public void close() {
        for (Tensor[] pair : byRows.values()) {
            pair[0].close();
            pair[1].close();
        }
        byRows.clear();
    }
}
