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
final class BatchUploader implements AutoCloseable {
    private final Backend backend;
    private final int[] sampleShape;
    private final Map<Integer, Tensor[]> byRows = new HashMap<>();

    BatchUploader(Backend backend, int[] sampleShape) {
        this.backend = backend;
        this.sampleShape = sampleShape.clone();
    }

    /** The batch on the device: {x [rows, sample...], labels I32 [rows]}. */
    Tensor[] upload(Batch batch) {
        Tensor[] pair = byRows.computeIfAbsent(batch.rows(), rows -> new Tensor[] {
            backend.empty(DType.F32, Models.batchShape(rows, sampleShape)), backend.empty(DType.I32, rows)});
        backend.write(pair[0], batch.x());
        backend.write(pair[1], batch.y());
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
