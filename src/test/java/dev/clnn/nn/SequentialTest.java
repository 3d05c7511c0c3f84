package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequentialTest {
    private final CpuBackend cpu = new CpuBackend();

    private Sequential imageModel() {
        SplittableRandom r = new SplittableRandom(3);
        return new Sequential(List.of(new MaxPool2d(cpu, 2, 2, 0), new Flatten(), new Linear(cpu, 8, 5, r),
                new ReLU(cpu), new Linear(cpu, 5, 3, r)));
    }

    @Test
    void namedParamsUsePyTorchStateDictNamesInOrder() {
        try (Sequential model = imageModel()) {
            Map<String, Param> named = model.namedParams();
            assertEquals(List.of("2.weight", "2.bias", "4.weight", "4.bias"), List.copyOf(named.keySet()));
            assertArrayEquals(new int[] {5, 8}, named.get("2.weight").shape());
            assertArrayEquals(new int[] {3}, named.get("4.bias").shape());
            assertEquals(List.copyOf(named.values()), model.params());
        }
    }

    @Test
    void outputShapeChainsAndTheFirstRejectingLayerNamesItself() {
        try (Sequential model = imageModel()) {
            assertArrayEquals(new int[] {7, 3}, model.outputShape(new int[] {7, 2, 4, 4}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.outputShape(new int[] {7, 3, 4, 4}));
            assertEquals("linear(8, 5) expects input [N, 8] but got [7, 12]", e.getMessage());
        }
    }

    @Test
    void forwardChainsAndBackwardRunsInReverseToTheInput() {
        try (Sequential model = imageModel()) {
            SplittableRandom r = new SplittableRandom(9);
            float[] x = SeededData.uniform(r, 2 * 2 * 4 * 4);
            Tensor xt = cpu.fromArray(x, 2, 2, 4, 4);
            Tensor y = model.forward(xt);
            assertArrayEquals(new int[] {2, 3}, y.shape());
            // The same chain by hand, layer by layer.
            Tensor h = xt;
            for (Layer layer : model.layers()) {
                h = layer.forward(h);
            }
            assertArrayEquals(cpu.readFloats(h), cpu.readFloats(y));
            Tensor dx = model.backward(cpu.fromArray(new float[] {1, -1, 0.5f, 0, 2, -2}, 2, 3));
            assertArrayEquals(new int[] {2, 2, 4, 4}, dx.shape());
        }
    }

    @Test
    void zeroGradClearsEveryAccumulatedGradient() {
        try (Sequential model = imageModel()) {
            model.forward(cpu.fromArray(new float[32], 1, 2, 4, 4));
            model.backward(cpu.fromArray(new float[] {1, 2, 3}, 1, 3));
            float[] db = cpu.readFloats(model.namedParams().get("4.bias").grad());
            assertArrayEquals(new float[] {1, 2, 3}, db);
            model.zeroGrad();
            for (Param p : model.params()) {
                assertArrayEquals(new float[p.size()], cpu.readFloats(p.grad()), p.toString());
            }
        }
    }

    @Test
    void nestedSequentialNamesCarryBothIndices() {
        SplittableRandom r = new SplittableRandom(1);
        Sequential inner = new Sequential(List.of(new ReLU(cpu), new Linear(cpu, 2, 2, r)));
        try (Sequential outer = new Sequential(List.of(new Linear(cpu, 3, 2, r), inner))) {
            assertEquals(List.of("0.weight", "0.bias", "1.1.weight", "1.1.bias"),
                    List.copyOf(outer.namedParams().keySet()));
            assertSame(inner.params().get(0), outer.namedParams().get("1.1.weight"));
        }
    }

    @Test
    void emptySequentialIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Sequential(List.of()));
        assertTrue(imageModel().toString().startsWith("sequential"));
    }

    @Test
    void trainAndEvalReachEveryLayerAndStartInTraining() {
        List<Boolean> seen = new ArrayList<>();
        Layer recorder = new Layer() {
            @Override
            public Tensor forward(Tensor x) {
                return x;
            }

            @Override
            public Tensor backward(Tensor dy) {
                return dy;
            }

            @Override
            public int[] outputShape(int[] inputShape) {
                return inputShape;
            }

            @Override
            public void setTraining(boolean training) {
                seen.add(training);
            }

            @Override
            public void close() {
            }
        };
        Sequential inner = new Sequential(List.of(recorder));
        Sequential model = new Sequential(List.of(inner));
        assertTrue(model.isTraining());
        model.eval();
        assertFalse(model.isTraining());
        assertFalse(inner.isTraining());
        model.train();
        assertEquals(List.of(false, true), seen);
    }
}
