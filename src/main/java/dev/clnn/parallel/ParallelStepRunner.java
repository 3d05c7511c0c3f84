package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DropoutDraw;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Safetensors;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Checkpoint;
import dev.clnn.nn.Dropout;
import dev.clnn.nn.Layer;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.train.StepBatch;
import dev.clnn.train.StepOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code clnn step} ({@link StepOptions}) on one device or several: the batch split over the devices
 * ({@link ShardPlan}), the gradients all-reduced in rank order and the same update on every replica. It writes, for
 * the whole batch, the loss (Σ_r w_r · loss_r), the output and ∂L/∂x (each shard's rows in order, ∂L/∂x scaled by w_r
 * because each replica differentiates its shard's mean), the parameter gradients (all-reduced) and the parameters
 * after the updates (both from replica 0). With one backend there is one shard of weight 1 and no all-reduce: the
 * single-device training step, op for op.
 */
public final class ParallelStepRunner {
    private ParallelStepRunner() {
    }

    /** The caller owns the backends, in rank order. */
    public static void run(List<Backend> backends, StepOptions o) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("a data-parallel step needs at least one backend");
        }
        StepBatch batch = StepBatch.read(o.batch());
        int[] xShape = batch.xShape();
        List<Shard> shards = ShardPlan.split(xShape[0], backends.size());
        List<StepReplica> replicas = new ArrayList<>();
        try {
            for (int r = 0; r < backends.size(); r++) {
                replicas.add(new StepReplica(backends.get(r), shards.get(r), o));
            }
            int[] outShape = replicas.get(0).model().outputShape(xShape);
            float[] x = batch.x();
            int[] labels = o.classIndices() ? batch.labels(outShape) : null;
            float[] targets = labels != null ? null
                    : o.probabilities() ? batch.probabilities(outShape) : batch.targets(outShape);
            for (StepReplica r : replicas) {
                r.upload(x, xShape, labels, targets, outShape);
            }
            Safetensors.write(o.out(), steps(replicas, o, xShape, outShape), Map.of("steps",
                    Integer.toString(o.steps())));
        } finally {
            replicas.forEach(StepReplica::close);
        }
    }

    private static List<TensorEntry> steps(List<StepReplica> replicas, StepOptions o, int[] xShape,
            int[] outShape) {
        List<String> names = new ArrayList<>();
        List<Backend> backends = new ArrayList<>();
        List<List<Param>> params = new ArrayList<>();
        List<Shard> shards = new ArrayList<>();
        for (StepReplica r : replicas) {
            names.add(r.backend().name());
            backends.add(r.backend());
            params.add(r.model().params());
            shards.add(r.shard());
        }
        GradientAllReduce allReduce = replicas.size() > 1 ? new GradientAllReduce(backends, params) : null;
        List<TensorEntry> result = new ArrayList<>();
        try (DeviceThreads threads = new DeviceThreads(names)) {
            float[] losses = new float[replicas.size()];
            float[] output = new float[sizeOf(outShape)];
            float[] dx = new float[sizeOf(xShape)];
            for (int step = 1; step <= o.steps(); step++) {
                boolean last = step == o.steps();
                threads.runAll("the forward and backward pass of step " + step, r -> {
                    StepReplica replica = replicas.get(r);
                    replica.computeGradients();
                    if (last && !replica.shard().isEmpty()) {
                        losses[r] = replica.readLoss();
                        place(replica.readOutput(), output, replica.shard(), 1f, outShape);
                        place(replica.readDx(), dx, replica.shard(), (float) replica.shard().weight(), xShape);
                    }
                });
                if (allReduce != null) {
                    allReduce.run(threads, shards, step);
                }
                if (last) {
                    result.add(TensorEntry.f32("loss", new int[0],
                            new float[] {DataParallelStep.batchLoss(shards, losses)}));
                    result.add(TensorEntry.f32("output", outShape, output));
                    result.add(TensorEntry.f32("grad.x", xShape, dx));
                    threads.runOn(0, "reading the gradients of step " + step,
                            () -> addNamed(result, "grad.", replicas.get(0), true));
                }
                threads.runAll("the optimiser update of step " + step, r -> replicas.get(r).update());
                if (replicas.size() > 1) {
                    List<Sequential> models = new ArrayList<>();
                    replicas.forEach(r -> models.add(r.model()));
                    ReplicaBuffers.average(models, shards);
                }
            }
            threads.runOn(0, "reading the parameters", () -> {
                addNamed(result, "", replicas.get(0), false);
                result.addAll(Checkpoint.bufferEntries(replicas.get(0).model()));
            });
            addDropoutMasks(result, replicas.get(0).model(), xShape, o.steps());
        } finally {
            if (allReduce != null) {
                allReduce.close();
            }
        }
        return result;
    }

    /** Copies a shard's rows into the whole batch's array at the shard's offset, times {@code scale} (1: as is). */
    private static void place(float[] rows, float[] all, Shard shard, float scale, int[] shape) {
        int rowLength = all.length / shape[0];
        int at = shard.offset() * rowLength;
        if (scale == 1f) {
            System.arraycopy(rows, 0, all, at, rows.length);
            return;
        }
        for (int i = 0; i < rows.length; i++) {
            all[at + i] = scale * rows[i];
        }
    }

    /**
     * Appends, for each dropout layer i, "dropout.{i}.mask" (K, N, ...): 1 where step k kept an element of the
     * layer's input, else 0, for the whole batch, so a check can apply clnn's masks in PyTorch. The masks are the
     * draw's function ({@link Dropout#draw}), which every replica and the CPU reference compute alike.
     */
    private static void addDropoutMasks(List<TensorEntry> result, Sequential model, int[] xShape, int steps) {
        int[] shape = xShape;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layers().get(i);
            if (layer instanceof Dropout dropout && dropout.p() > 0) {
                int rows = shape[0];
                int rowLength = sizeOf(shape) / rows;
                float[] mask = new float[steps * rows * rowLength];
                for (int k = 0; k < steps; k++) {
                    DropoutDraw draw = dropout.draw(k, 0);
                    for (int r = 0; r < rows; r++) {
                        for (int e = 0; e < rowLength; e++) {
                            mask[(k * rows + r) * rowLength + e] = draw.keeps(r, e) ? 1f : 0f;
                        }
                    }
                }
                int[] maskShape = new int[shape.length + 1];
                maskShape[0] = steps;
                System.arraycopy(shape, 0, maskShape, 1, shape.length);
                result.add(TensorEntry.f32("dropout." + i + ".mask", maskShape, mask));
            }
            shape = layer.outputShape(shape);
        }
    }

    /** Appends replica 0's parameters (or their gradients) under their state-dict names with {@code prefix}. */
    private static void addNamed(List<TensorEntry> result, String prefix, StepReplica replica, boolean grads) {
        for (Map.Entry<String, Param> e : replica.model().namedParams().entrySet()) {
            Tensor t = grads ? e.getValue().grad() : e.getValue().value();
            result.add(TensorEntry.f32(prefix + e.getKey(), t.shape(), replica.backend().readFloats(t)));
        }
    }

    private static int sizeOf(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
