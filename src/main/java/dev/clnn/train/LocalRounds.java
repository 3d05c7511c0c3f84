package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.data.Batch;
import dev.clnn.data.BatchIterator;
import dev.clnn.data.Dataset;
import dev.clnn.nn.Sequential;
import java.util.List;

/**
 * Rounds of one step in this process: each the {@link TrainingStep} (one device or several) on the next batch of the
 * epoch's seeded order, drawn here from the training set.
 */
final class LocalRounds implements TrainingRounds {
    private final TrainingStep step;
    private final Dataset train;
    private final int batch;
    private final long seed;
    private BatchIterator batches;
    private int epoch;
    private int nextBatch; // the index of the batch batches.next() gives

    LocalRounds(TrainingStep step, Dataset train, int batch, long seed) {
        this.step = step;
        this.train = train;
        this.batch = batch;
        this.seed = seed;
    }

    @Override
    public Sequential model() {
        return step.model();
    }

    @Override
    public List<Sequential> models() {
        return step.models();
    }

    @Override
    public Backend backend() {
        return step.backend();
    }

    @Override
    public String description() {
        return step.description();
    }

    @Override
    public int run(int epoch, int firstBatch, int maxSteps, StepListener listener) {
        Batch b = batch(epoch, firstBatch);
        long start = System.nanoTime();
        float lr = step.currentLr();
        float loss = step.step(b);
        listener.stepDone(loss, b.rows(), lr, System.nanoTime() - start);
        return 1;
    }

    /** Batch {@code index} of the epoch; a resumed epoch skips the batches trained before the interruption. */
    private Batch batch(int epoch, int index) {
        if (batches == null || epoch != this.epoch || index < nextBatch) {
            batches = BatchIterator.shuffled(train, batch, seed, epoch);
            this.epoch = epoch;
            nextBatch = 0;
        }
        for (; nextBatch < index; nextBatch++) {
            batches.next();
        }
        nextBatch++;
        return batches.next();
    }

    @Override
    public long stepCount() {
        return step.stepCount();
    }

    @Override
    public float[][] optimizerState() {
        return step.optimizerState();
    }

    @Override
    public void restore(float[][] params, long steps, float[][] optimizerState) {
        step.restore(params, steps, optimizerState);
    }

    @Override
    public String epochNote() {
        return step.epochNote();
    }

    @Override
    public void close() {
        step.close();
    }
}
