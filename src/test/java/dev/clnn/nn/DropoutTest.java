package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.DropoutDraw;
import dev.clnn.backend.PoisonedBackend;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropoutTest {
    private final Backend cpu = PoisonedBackend.wrap(new CpuBackend());

    /**
     * Over n draws the kept count is Binomial(n, 1 − p): within 5σ = 5·sqrt(n·p·(1 − p)) of n·(1 − p), which a
     * correct generator misses with probability about 6·10⁻⁷; and the kept elements are x / (1 − p) exactly.
     */
    @Test
    void keepRateIsWithinFiveSigmaOfOneMinusP() {
        int rows = 64;
        int length = 1000;
        for (double p : new double[] {0.1, 0.5, 0.9}) {
            float[] y = forward(new DropoutDraw(42, 1, 7, 0, p), rows, length);
            long kept = 0;
            float scale = (float) (1.0 / (1.0 - p));
            for (float v : y) {
                if (v != 0) {
                    kept++;
                    assertEquals(scale, v);
                }
            }
            double n = (double) rows * length;
            double sigma = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(kept - n * (1 - p)) <= 5 * sigma,
                    "p=" + p + ": kept " + kept + " of " + n + ", expected " + n * (1 - p) + " ± " + 5 * sigma);
        }
    }

    @Test
    void masksDifferAcrossStepsLayersRowsAndSeeds() {
        float[] base = forward(new DropoutDraw(1, 2, 3, 0, 0.5), 2, 256);
        assertArrayEquals(base, forward(new DropoutDraw(1, 2, 3, 0, 0.5), 2, 256));
        assertNotEquals(Arrays.toString(base), Arrays.toString(forward(new DropoutDraw(1, 2, 4, 0, 0.5), 2, 256)));
        assertNotEquals(Arrays.toString(base), Arrays.toString(forward(new DropoutDraw(1, 3, 3, 0, 0.5), 2, 256)));
        assertNotEquals(Arrays.toString(base), Arrays.toString(forward(new DropoutDraw(2, 2, 3, 0, 0.5), 2, 256)));
        assertNotEquals(Arrays.toString(Arrays.copyOfRange(base, 0, 256)),
                Arrays.toString(Arrays.copyOfRange(base, 256, 512)), "rows 0 and 1");
        // a shard from row 1 draws what the whole batch drew for its row 1
        assertArrayEquals(Arrays.copyOfRange(base, 256, 512), forward(new DropoutDraw(1, 2, 3, 1, 0.5), 1, 256));
    }

    @Test
    void backwardAppliesTheForwardsMaskAndScale() {
        try (Dropout d = new Dropout(cpu, 0.25, 9, 0); Tensor x = cpu.fromArray(ones(300), 3, 100);
                Tensor dy = cpu.fromArray(ones(300), 3, 100)) {
            d.setDrawPosition(12, 5);
            float[] y = cpu.readFloats(d.forward(x));
            assertArrayEquals(y, cpu.readFloats(d.backward(dy)));
            assertEquals(new DropoutDraw(9, 0, 12, 5, 0.25), d.lastDraw());
        }
    }

    @Test
    void evalModeIsTheIdentity() {
        try (Sequential model = Models.build(cpu, ModelSpec.parse("linear(4,3),dropout(0.5),relu"), 1);
                Tensor x = cpu.fromArray(new float[] {1, -2, 3, 0.5f, 2, 2, -1, 0}, 2, 4);
                Tensor dy = cpu.fromArray(ones(6), 2, 3)) {
            Dropout dropout = (Dropout) model.layers().get(1);
            model.eval();
            Tensor h = model.layers().get(0).forward(x);
            assertSame(h, dropout.forward(h));
            assertSame(dy, dropout.backward(dy));
            model.train();
            assertNotEquals(h, dropout.forward(h));
        }
    }

    @Test
    void aDropoutLayerTakesAStateDictIndexAsInPyTorch() {
        try (Sequential model = Models.build(cpu, ModelSpec.parse("linear(4,3),relu,dropout(0.2),linear(3,2)"), 1)) {
            assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias"), List.copyOf(model.namedParams().keySet()));
        }
    }

    @Test
    void pOfOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(cpu, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new DropoutDraw(0, 0, 0, 0, -0.1));
    }

    private float[] forward(DropoutDraw draw, int rows, int length) {
        try (Tensor x = cpu.fromArray(ones(rows * length), rows, length); Tensor y = cpu.empty(DType.F32, rows, length)) {
            cpu.dropoutForward(y, x, rows, length, draw);
            return cpu.readFloats(y);
        }
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1);
        return a;
    }
}
