package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.data.BatchIterator;
import dev.clnn.data.Dataset;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;

/** Runs a classifier over a data set in order and reports its mean cross-entropy and accuracy. */
public final class Evaluator {
    private Evaluator() {
    }

    public static Evaluation evaluate(Backend backend, Sequential model, Dataset data, int[] sampleShape,
            int batchSize) {
        double lossSum = 0;
        int correct = 0;
        try (BatchUploader uploader = new BatchUploader(backend, sampleShape);
                SoftmaxCrossEntropy xent = new SoftmaxCrossEntropy(backend);
                Tensor count = backend.empty(DType.I32, 1)) {
            BatchIterator batches = BatchIterator.sequential(data, batchSize);
            while (batches.hasNext()) {
                Batch batch = batches.next();
                Tensor[] xy = uploader.upload(batch);
                Tensor logits = model.forward(xy[0]);
                Tensor loss = xent.forward(logits, xy[1]);
                int classes = logits.dim(1);
                backend.countCorrect(count, logits, xy[1], batch.rows(), classes);
                lossSum += (double) backend.readFloats(loss)[0] * batch.rows();
                correct += backend.readInts(count)[0];
            }
        }
        return new Evaluation(lossSum / data.n(), correct, data.n());
    }
}
