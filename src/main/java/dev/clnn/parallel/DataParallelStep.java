package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.GradientSum;
import dev.clnn.data.Batch;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The training step on several devices in one process (synchronous data parallelism): a replica of the model per
 * backend, all built from the same seed; each batch split by {@link ShardPlan}; forward and backward on every
 * replica at once; the gradients all-reduced in rank order ({@link GradientAllReduce}); and the same optimiser update on
 * every replica, so the replicas stay equal and the step is, up to the order of fp32 sums, the single-device step on
 * the whole batch. By default ({@link AllReduceSchedule#OVERLAPPED}) the gradients are summed in buckets of layers
 * while the backward pass goes on: each device's thread hands a bucket over (maps or reads it) once its layers'
 * backward ops are queued, and the calling thread sums each bucket as soon as every replica has handed it over, so
 * that only the first layers' sum waits after the backward pass; the sum of each element is the same as summing
 * everything after the backward pass ({@link AllReduceSchedule#AFTER_BACKWARD}), so both give the same bits. Each
 * device's thread writes the sums (or unmaps) right before its update; on devices in one context, where the sums
 * wait for the devices on the devices, each device's thread queues its update behind them in the same phase as its
 * backward pass, so its device starts the update as soon as the sums have run. With one backend it is the single-device
 * step op for op (no all-reduce), bit for bit.
 *
 * <p>Use it through {@link #factory}: {@code new Trainer(DataParallelStep.factory(backends), options, out, false)}.
 * The caller owns the backends and closes them after the step. After a {@link DeviceFailedException} the replicas may no longer be
 * equal (some may have updated, others not): close the step.
 */
public final class DataParallelStep implements TrainingStep {
    private final List<TrainingReplica> replicas;
    private final DeviceThreads threads;
    private final GradientAllReduce allReduce; // null with one replica
    private final StepClock clock;
    private final boolean overlapped; // the all-reduce runs in buckets during the backward pass

    private DataParallelStep(List<TrainingReplica> replicas, AllReduceSchedule schedule, int bucketElements,
            GradientSums sums) {
        this.replicas = List.copyOf(replicas);
        List<Backend> backends = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<List<Param>> params = new ArrayList<>();
        for (TrainingReplica r : replicas) {
            backends.add(r.backend());
            names.add(r.backend().name());
            params.add(r.model().params());
        }
        this.threads = new DeviceThreads(names);
        this.allReduce = replicas.size() > 1 ? new GradientAllReduce(backends, params, sums.find(backends,
                GradientAllReduce.shapes(params))) : null;
        if (allReduce != null && schedule == AllReduceSchedule.OVERLAPPED) {
            allReduce.overlap(GradientBuckets.of(replicas.get(0).model().layers(), bucketElements));
        }
        this.overlapped = allReduce != null && schedule == AllReduceSchedule.OVERLAPPED;
        this.clock = new StepClock(replicas.size());
    }

    /**
     * Opens one replica per backend, in rank order (backend 0 holds the model that is evaluated and saved).
     *
     * @throws IllegalArgumentException when {@code backends} is empty
     */
    public static TrainingStep.Factory factory(List<Backend> backends) {
        return factory(backends, AllReduceSchedule.OVERLAPPED);
    }

    /**
     * As {@link #factory(List)}, with the all-reduce summing on {@code allReduce}'s schedule.
     *
     * @throws IllegalArgumentException when {@code backends} is empty
     */
    public static TrainingStep.Factory factory(List<Backend> backends, AllReduceSchedule allReduce) {
        return factory(backends, allReduce, GradientBuckets.MIN_ELEMENTS);
    }

    /** As {@link #factory(List, AllReduceSchedule)} with buckets of at least {@code bucketElements}, for tests. */
    static TrainingStep.Factory factory(List<Backend> backends, AllReduceSchedule allReduce, int bucketElements) {
        return factory(backends, allReduce, bucketElements, Backends::gradientSum);
    }

    /**
     * As {@link #factory(List, AllReduceSchedule, int)}, the device-side sum (if any) from {@code sums} rather than
     * from the backends' kind: for tests that wrap a backend the sum must still recognise.
     */
    static TrainingStep.Factory factory(List<Backend> backends, AllReduceSchedule allReduce, int bucketElements,
            GradientSums sums) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("data-parallel training needs at least one backend");
        }
        List<Backend> ranks = List.copyOf(backends);
        return (options, sampleShape, schedule) -> open(ranks, options, sampleShape, schedule, allReduce,
                bucketElements, sums);
    }

    /** Where the all-reduce's device-side sum comes from: {@link Backends#gradientSum} but in tests. */
    interface GradientSums {
        Optional<GradientSum> find(List<Backend> backends, List<int[]> shapes);
    }

    private static DataParallelStep open(List<Backend> backends, TrainOptions options, int[] sampleShape,
            LrSchedule schedule, AllReduceSchedule allReduce, int bucketElements, GradientSums sums) {
        List<TrainingReplica> replicas = new ArrayList<>();
        try {
            for (Backend b : backends) {
                replicas.add(TrainingReplica.open(b, options, sampleShape, schedule));
            }
            return new DataParallelStep(replicas, allReduce, bucketElements, sums);
        } catch (RuntimeException e) {
            replicas.forEach(TrainingReplica::close);
            throw e;
        }
    }

    @Override
    public Sequential model() {
        return replicas.get(0).model();
    }

    @Override
    public Backend backend() {
        return replicas.get(0).backend();
    }

    @Override
    public String description() {
        if (replicas.size() == 1) {
            return backend().name();
        }
        StringBuilder s = new StringBuilder(replicas.size() + " devices (");
        for (int r = 0; r < replicas.size(); r++) {
            s.append(r == 0 ? "" : ", ").append('#').append(r).append(' ').append(replicas.get(r).backend().name());
        }
        return s.append(')').toString();
    }

    @Override
    public float step(Batch batch) {
        long start = System.nanoTime();
        long step = stepCount() + 1;
        List<Shard> shards = ShardPlan.split(batch.rows(), replicas.size());
        long[] computed = new long[replicas.size()]; // when each device's backward pass had finished
        long[] written = new long[replicas.size()]; // how long each device took to receive the summed gradients
        long sumEnd;
        float[] losses = new float[replicas.size()];
        if (overlapped && allReduce.sumsWaitOnDevices()) {
            sumEnd = computeAndUpdateBehindTheSums(batch, step, shards, computed, written, losses);
        } else {
            if (overlapped) {
                allReduce.startStep();
                threads.runAllWhile("the forward and backward pass of step " + step, r -> {
                    long t = System.nanoTime();
                    try {
                        replicas.get(r).computeGradients(batch, shards.get(r), allReduce.afterLayer(r));
                        allReduce.backwardQueued(r, shards.get(r));
                    } catch (RuntimeException | Error e) {
                        allReduce.abort();
                        throw e;
                    }
                    computed[r] = allReduce.backwardEnd(r);
                    clock.computed(r, shards.get(r).rows(), computed[r] - t);
                }, () -> allReduce.sumBuckets(threads, shards, step));
                sumEnd = System.nanoTime();
            } else {
                sumEnd = computeThenSum(batch, step, shards, computed);
            }
            threads.runAll("the optimiser update of step " + step, r -> {
                if (allReduce != null) {
                    long t = System.nanoTime();
                    if (overlapped) {
                        allReduce.writeBuckets(r);
                    } else {
                        allReduce.write(r);
                    }
                    written[r] = System.nanoTime() - t;
                }
                losses[r] = replicas.get(r).update();
            });
        }
        if (replicas.size() > 1) {
            ReplicaBuffers.average(replicaModels(), shards);
        }
        // The all-reduce's exposed time: from the last device's backward pass to the sum, and the slowest write.
        long allReduceNanos = allReduce == null ? 0
                : Math.max(0, sumEnd - Arrays.stream(computed).max().getAsLong())
                        + Arrays.stream(written).max().getAsLong();
        clock.step(allReduceNanos, System.nanoTime() - start);
        return batchLoss(shards, losses);
    }

    /**
     * The overlapped schedule where the sums wait for the devices on the devices (devices in one context): each
     * device thread queues its backward pass, then, once the calling thread has enqueued every bucket's sum, its
     * update behind the sums, so that its device starts the update as soon as the sums have run, with no host
     * thread in between; meanwhile the calling thread enqueues the sums and waits for the last one. Returns when
     * the calling thread saw the sums done; fills in when each backward pass ended, how long each queued its wait
     * for the sums, and each shard's loss.
     */
    private long computeAndUpdateBehindTheSums(Batch batch, long step, List<Shard> shards, long[] computed,
            long[] written, float[] losses) {
        allReduce.startStep();
        long[] sumEnd = new long[1];
        threads.runAllWhile("the forward and backward pass and optimiser update of step " + step, r -> {
            long t = System.nanoTime();
            TrainingReplica replica = replicas.get(r);
            try {
                replica.computeGradients(batch, shards.get(r), allReduce.afterLayer(r));
                allReduce.queueEmptyShard(r, shards.get(r));
            } catch (RuntimeException | Error e) {
                allReduce.abort();
                throw e;
            }
            if (!allReduce.awaitSumsQueued()) {
                return; // another device or the sum failed: that failure ends the step
            }
            long w = System.nanoTime();
            allReduce.writeBuckets(r);
            written[r] = System.nanoTime() - w;
            replica.parts().step().update(); // queued behind the sums
            try {
                allReduce.awaitBackward(r); // observes when the backward pass ended
            } catch (RuntimeException | Error e) {
                allReduce.abort();
                throw e;
            }
            computed[r] = allReduce.backwardEnd(r);
            clock.computed(r, shards.get(r).rows(), computed[r] - t);
            losses[r] = replica.readLoss();
        }, () -> {
            allReduce.sumBuckets(threads, shards, step);
            sumEnd[0] = System.nanoTime();
        });
        return sumEnd[0];
    }

    /** Every replica's forward and backward pass, then the whole sum; returns when the sum ended. */
    private long computeThenSum(Batch batch, long step, List<Shard> shards, long[] computed) {
        threads.runAll("the forward and backward pass of step " + step, r -> {
            long t = System.nanoTime();
            replicas.get(r).computeGradients(batch, shards.get(r));
            computed[r] = System.nanoTime();
            clock.computed(r, shards.get(r).rows(), computed[r] - t);
            if (allReduce != null) {
                allReduce.read(r, shards.get(r));
            }
        });
        if (allReduce != null) {
            allReduce.sum(threads, shards, step);
        }
        return System.nanoTime();
    }

    /** The batch's mean loss: Σ_r w_r · loss_r over the non-empty shards, exactly loss_0 for one replica. */
    static float batchLoss(List<Shard> shards, float[] losses) {
        if (shards.size() == 1) {
            return losses[0];
        }
        double sum = 0;
        for (Shard s : shards) {
            if (!s.isEmpty()) {
                sum += s.weight() * losses[s.rank()];
            }
        }
        return (float) sum;
    }

    @Override
    public float currentLr() {
        return replicas.get(0).parts().step().optimizer().currentLr();
    }

    @Override
    public long stepCount() {
        return replicas.get(0).parts().step().optimizer().stepCount();
    }

    /** "  devices: #0 … samples/s, #1 … samples/s; all-reduce N% of step time"; empty for one device. */
    @Override
    public String epochNote() {
        String note = clock.takeNote();
        return replicas.size() == 1 ? "" : note;
    }

    /** The all-reduce's share of the step time since the last {@link #epochNote}, in [0, 1]. */
    public double allReduceShare() {
        return clock.allReduceShare();
    }

    @Override
    public List<Sequential> models() {
        return replicaModels();
    }

    /** The models of every rank, for checks that the replicas stay equal. */
    public List<Sequential> replicaModels() {
        List<Sequential> models = new ArrayList<>();
        replicas.forEach(r -> models.add(r.model()));
        return models;
    }

    @Override
    public float[][] optimizerState() {
        return replicas.get(0).parts().step().optimizer().state(); // every replica holds the same
    }

    @Override
    public void restore(float[][] params, long steps, float[][] optimizerState) {
        for (TrainingReplica r : replicas) {
            r.parts().restore(params, steps, optimizerState);
        }
    }

    @Override
    public void close() {
        threads.close();
        replicas.forEach(TrainingReplica::close);
        if (allReduce != null) {
            allReduce.close();
        }
    }
}
