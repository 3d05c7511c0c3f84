package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.data.Batch;
import dev.clnn.data.BatchIterator;
import dev.clnn.data.Dataset;
import dev.clnn.model.LayerSpec;
import dev.clnn.model.ModelSpec;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.OptimizerKind;
import dev.clnn.parallel.AllReduceSchedule;
import dev.clnn.parallel.DataParallelStep;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingStep;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code clnn bench train --devices}: data-parallel training steps on random data, side by side with the same
 * steps on the first device alone, alternating, so both see the same machine load; prints the median step times,
 * the all-reduce's exposed time and its share of the data-parallel step, and the same for the all-reduce run after
 * the backward pass instead of overlapped with it (alternated with the others, for comparison).
 */
final class ParallelBench {
    private static final int WARMUP = 10;
    private static final int ROUNDS = 7;
    private static final int STEPS = 5;

    private final PrintStream out;

    ParallelBench(PrintStream out) {
        this.out = out;
    }

    void train(List<Backend> backends, ModelSpec spec, int batchRows, OptimizerKind optimizer) {
        int[] sample = spec.layers().get(0) instanceof LayerSpec.Linear l ? new int[] {l.in()} : new int[] {1, 28, 28};
        Batch batch = randomBatch(sample, batchRows);
        TrainOptions options = TrainOptions.builder().model(spec).epochs(1).batch(batchRows).sgd(0.01, 0f)
                .optimizer(optimizer).weightDecay(optimizer == OptimizerKind.ADAMW ? 0.01f : 0f)
                .schedule("constant").quiet(true).stopOnNonFinite(false).build();
        LrSchedule lr = LrSchedule.constant(0.01);
        try (TrainingStep alone = DataParallelStep.factory(backends.subList(0, 1)).open(options, sample, lr);
                DataParallelStep all = (DataParallelStep) DataParallelStep.factory(backends).open(options, sample,
                        lr);
                DataParallelStep after = (DataParallelStep) DataParallelStep.factory(backends,
                        AllReduceSchedule.AFTER_BACKWARD).open(options, sample, lr)) {
            for (int i = 0; i < WARMUP; i++) {
                alone.step(batch);
                all.step(batch);
                after.step(batch);
            }
            all.epochNote();
            after.epochNote();
            double[] aloneMs = new double[ROUNDS];
            double[] allMs = new double[ROUNDS];
            double[] reduceMs = new double[ROUNDS];
            double[] shares = new double[ROUNDS];
            double[] afterMs = new double[ROUNDS];
            double[] afterShares = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                aloneMs[i] = millisPerStep(alone, batch);
                allMs[i] = millisPerStep(all, batch);
                shares[i] = all.allReduceShare();
                reduceMs[i] = shares[i] * allMs[i];
                all.epochNote(); // each round's share on its own, so that one slow round does not weigh on all
                afterMs[i] = millisPerStep(after, batch);
                afterShares[i] = after.allReduceShare();
                after.epochNote();
            }
            double oneDevice = median(aloneMs);
            double several = median(allMs);
            double reduce = median(reduceMs);
            double share = median(shares); // shares is sorted from here on
            out.printf(Locale.ROOT, "%s, batch %d: %.2f ms per step on #0 alone, %.2f ms on %d devices%n",
                    spec.text(), batchRows, oneDevice, several, backends.size());
            out.printf(Locale.ROOT, "all-reduce: %.2f ms per step, %.1f%% of the %d-device step (median of %d rounds of"
                    + " %d steps; rounds from %.1f%% to %.1f%%), %.1f%% of the one-device step%n", reduce, 100 * share,
                    backends.size(), ROUNDS, STEPS, 100 * shares[0], 100 * shares[ROUNDS - 1],
                    100 * reduce / oneDevice);
            double afterStep = median(afterMs);
            double afterShare = median(afterShares);
            out.printf(Locale.ROOT, "all-reduce after the backward pass instead of overlapped with it: %.2f ms per step,"
                    + " %.1f%% of its %.2f ms step (median of %d rounds, alternated with the above)%n",
                    afterShare * afterStep, 100 * afterShare, afterStep, ROUNDS);
            out.printf(Locale.ROOT, "train: %.0f samples/s on %d devices (%.0f on #0 alone)%n", batchRows / several
                    * 1e3, backends.size(), batchRows / oneDevice * 1e3);
        }
    }

    /** The median; sorts {@code values}. */
    private static double median(double[] values) {
        Arrays.sort(values);
        return values[values.length / 2];
    }

    private static double millisPerStep(TrainingStep step, Batch batch) {
        long start = System.nanoTime();
        for (int s = 0; s < STEPS; s++) {
            step.step(batch);
        }
        return (System.nanoTime() - start) / 1e6 / STEPS;
    }

    private static Batch randomBatch(int[] sample, int rows) {
        int features = Arrays.stream(sample).reduce(1, (a, b) -> a * b);
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(10);
        }
        return BatchIterator.sequential(new Dataset(x, y, rows, sample, 10), rows).next();
    }
}
