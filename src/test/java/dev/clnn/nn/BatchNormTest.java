package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpFamily;
import dev.clnn.backend.PoisonedBackend;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsDtype;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.FirstStepOps;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch-norm layer: modes, running statistics, state-dict names, checkpoints and the model SPEC. */
class BatchNormTest {
    private final Backend cpu = PoisonedBackend.wrap(new CpuBackend());

    @TempDir
    Path tmp;

    @Test
    void knownAnswerForTwoValuesPerChannel() {
        // x = [1, 3] in one channel: mean 2, biased var 1, unbiased var 2; running = 0.9·(0, 1) + 0.1·(2, 2).
        try (BatchNorm bn = new BatchNorm(cpu, 1, false)) {
            float[] y = cpu.readFloats(bn.forward(cpu.fromArray(new float[] {1, 3}, 2, 1)));
            float inv = (float) (1 / Math.sqrt(1 + 1e-5));
            assertArrayEquals(new float[] {-inv, inv}, y, 1e-7f);
            StateBuffer[] b = bn.buffers().toArray(new StateBuffer[0]);
            assertArrayEquals(new float[] {0.2f}, b[0].readFloats(), 1e-7f);
            assertArrayEquals(new float[] {1.1f}, b[1].readFloats(), 1e-7f);
            assertEquals(1, b[2].count());
        }
    }

    @Test
    void trainingUsesBatchStatisticsAndEvalUsesRunningStatisticsWithoutUpdatingThem() {
        SplittableRandom random = new SplittableRandom(31);
        try (Sequential model = Models.build(cpu, ModelSpec.parse("conv(2,3,3,1,1),batchnorm2d(3),relu"), 5)) {
            Tensor x = cpu.fromArray(SeededData.uniform(random, 2 * 2 * 5 * 5, -1, 1), 2, 2, 5, 5);
            Map<String, StateBuffer> buffers = model.namedBuffers();
            assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"),
                    List.copyOf(buffers.keySet()));
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(model.namedParams().keySet()));
            float[] train1 = cpu.readFloats(model.forward(x));
            float[] mean1 = buffers.get("1.running_mean").readFloats();
            float[] train2 = cpu.readFloats(model.forward(x));
            assertArrayEquals(train1, train2, "batch statistics do not depend on the running ones");
            assertEquals(2, buffers.get("1.num_batches_tracked").count());
            assertFalse(Arrays.equals(mean1, buffers.get("1.running_mean").readFloats()),
                    "a training forward updates the running mean");

            model.eval();
            float[] mean2 = buffers.get("1.running_mean").readFloats();
            float[] var2 = buffers.get("1.running_var").readFloats();
            float[] eval1 = cpu.readFloats(model.forward(x));
            float[] eval2 = cpu.readFloats(model.forward(x));
            assertArrayEquals(eval1, eval2);
            assertFalse(Arrays.equals(train1, eval1), "eval normalises with the running statistics");
            assertArrayEquals(mean2, buffers.get("1.running_mean").readFloats(), "eval updates nothing");
            assertArrayEquals(var2, buffers.get("1.running_var").readFloats(), "eval updates nothing");
            assertEquals(2, buffers.get("1.num_batches_tracked").count());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.backward(cpu.fromArray(new float[train1.length], 2, 3, 5, 5)));
            assertTrue(e.getMessage().startsWith("batchnorm2d(3): backward needs a training-mode forward pass"),
                    e.getMessage());
        }
    }

    @Test
    void oneValuePerChannelIsRefusedWhenTrainingButNotInEval() {
        try (BatchNorm bn = new BatchNorm(cpu, 4, false)) {
            Tensor x = cpu.fromArray(new float[] {1, 2, 3, 4}, 1, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(x));
            assertEquals("batchNormForward: expected more than 1 value per channel when training, got n=1, inner=1",
                    e.getMessage());
            bn.setTraining(false);
            assertArrayEquals(new float[] {1, 2, 3, 4}, cpu.readFloats(bn.forward(x)), 1e-4f);
        }
    }

    @Test
    void shapeChecksNameTheLayer() {
        try (Sequential model = Models.build(cpu, ModelSpec.parse("linear(4,6),batchnorm1d(5)"), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.outputShape(new int[] {2, 4}));
            assertEquals("batchnorm1d(5) expects input [N, 5] but got [2, 6]", e.getMessage());
        }
        IllegalArgumentException spec = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.parse("conv(1,2,3),batchnorm2d(2,3)"));
        assertTrue(spec.getMessage().contains("batchnorm2d(channels)"), spec.getMessage());
        assertEquals("batchnorm1d(7)", ModelSpec.parse("linear(3,7),batchnorm1d(7)").layers().get(1).text());
        assertTrue(FirstStepOps.of(ModelSpec.parse("linear(3,7),batchnorm1d(7)")).contains(OpFamily.BATCH_NORM));
    }

    @Test
    void checkpointsRoundTripTheBuffersWithAnI64ScalarCount() {
        Path file = tmp.resolve("bn.safetensors");
        SplittableRandom random = new SplittableRandom(3);
        ModelSpec spec = ModelSpec.parse("linear(4,3),batchnorm1d(3)");
        try (Sequential saved = Models.build(cpu, spec, 1); Sequential loaded = Models.build(cpu, spec, 2)) {
            for (int i = 0; i < 3; i++) {
                saved.forward(cpu.fromArray(SeededData.uniform(random, 5 * 4, -1, 1), 5, 4));
            }
            Checkpoint.save(file, saved, cpu, Map.of());
            SafetensorsFile f = Safetensors.read(file);
            TensorEntry count = f.tensor("1.num_batches_tracked");
            assertEquals(SafetensorsDtype.I64, count.dtype());
            assertArrayEquals(new int[0], count.shape());
            assertArrayEquals(new long[] {3}, count.longs());

            Checkpoint.load(file, loaded, cpu);
            for (String name : List.of("1.running_mean", "1.running_var")) {
                assertArrayEquals(saved.namedBuffers().get(name).readFloats(),
                        loaded.namedBuffers().get(name).readFloats(), name);
            }
            assertEquals(3, loaded.namedBuffers().get("1.num_batches_tracked").count());
            Tensor x = cpu.fromArray(SeededData.uniform(random, 5 * 4, -1, 1), 5, 4);
            assertArrayEquals(cpu.readFloats(saved.eval().forward(x)), cpu.readFloats(loaded.eval().forward(x)));
        }
    }

    @Test
    void aCheckpointWithoutTheBuffersIsRefusedByName() {
        Path file = tmp.resolve("plain.safetensors");
        try (Sequential bn = Models.build(cpu, ModelSpec.parse("linear(4,3),batchnorm1d(3)"), 1)) {
            Checkpoint.save(file, bn, cpu, Map.of());
            SafetensorsFile f = Safetensors.read(file);
            List<TensorEntry> without = f.tensors().values().stream()
                    .filter(t -> !t.name().equals("1.running_var")).toList();
            Safetensors.write(file, without, f.metadata());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.load(file, bn, cpu));
            assertTrue(e.getMessage().contains("missing [1.running_var]"), e.getMessage());
        }
    }
}
