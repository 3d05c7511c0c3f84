package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import org.junit.jupiter.api.Test;

/** Hand-computed answers for every op of the CPU reference: parity alone cannot catch a bug both backends share. */
class CpuBackendKnownAnswerTest {
    private final CpuBackend cpu = new CpuBackend();

    private Tensor t(float[] data, int... shape) {
        return cpu.fromArray(data, shape);
    }

    @Test
    void gemmMultipliesTwoByThreeByThreeByTwoInEveryTransposeForm() {
        float[] a = {1, 2, 3, 4, 5, 6}; // (2, 3)
        float[] aT = {1, 4, 2, 5, 3, 6}; // (3, 2) = Aᵀ
        float[] b = {7, 8, 9, 10, 11, 12}; // (3, 2)
        float[] bT = {7, 9, 11, 8, 10, 12}; // (2, 3) = Bᵀ
        float[] expected = {58, 64, 139, 154};
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor c = SeededData.poisoned(cpu, 2, 2);
                cpu.gemm(c, t(ta ? aT : a, ta ? 3 : 2, ta ? 2 : 3), t(tb ? bT : b, tb ? 2 : 3, tb ? 3 : 2), ta, tb,
                        2, 2, 3, 1f, 0f);
                assertArrayEquals(expected, cpu.readFloats(c), "transA=" + ta + " transB=" + tb);
            }
        }
    }

    @Test
    void gemmScalesByAlphaAndAddsBetaTimesC() {
        Tensor c = t(new float[] {1, 1, 1, 1}, 2, 2);
        cpu.gemm(c, t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), t(new float[] {7, 8, 9, 10, 11, 12}, 3, 2), false,
                false, 2, 2, 3, 0.5f, -2f);
        assertArrayEquals(new float[] {27, 30, 67.5f, 75}, cpu.readFloats(c));
    }

    @Test
    void gemmRejectsMismatchedShapesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.gemm(
                cpu.empty(DType.F32, 2, 2), cpu.empty(DType.F32, 2, 4), cpu.empty(DType.F32, 3, 2), false, false,
                2, 2, 3, 1f, 0f));
        assertTrue(e.getMessage().contains("[2, 4]") && e.getMessage().contains("(m, k) = (2, 3)"), e.getMessage());
    }

    @Test
    void biasAddsPerChannelAndItsGradientSumsOverBatchAndSpace() {
        Tensor y = t(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, 2, 2, 2); // (outer 2, channels 2, inner 2)
        cpu.biasAddForward(y, t(new float[] {10, 20}, 2), 2, 2, 2, false);
        assertArrayEquals(new float[] {10, 10, 20, 20, 11, 11, 21, 21}, cpu.readFloats(y));
        Tensor db = t(new float[] {100, 200}, 2);
        cpu.biasAddBackward(db, t(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2), 2, 2, 2);
        assertArrayEquals(new float[] {100 + 1 + 2 + 5 + 6, 200 + 3 + 4 + 7 + 8}, cpu.readFloats(db));
    }

    @Test
    void im2colUnfoldsPatchesWithZerosInThePadding() {
        // x = 1..9 as 3x3; 2x2 kernel, stride 1, padding 0: four patches, one column each.
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Conv2dShape s = Conv2dShape.square(1, 1, 3, 3, 1, 2, 1, 0);
        Tensor col = SeededData.poisoned(cpu, 4, 4);
        cpu.im2col(col, t(x, 1, 1, 3, 3), s);
        // rows: taps (0,0), (0,1), (1,0), (1,1); columns: output pixels in raster order
        assertArrayEquals(new float[] {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, cpu.readFloats(col));
        Tensor padded = SeededData.poisoned(cpu, 4, 4);
        cpu.im2col(padded, t(new float[] {7}, 1, 1, 1, 1), Conv2dShape.square(1, 1, 1, 1, 1, 2, 1, 1));
        // A 1x1 input padded to 3x3: each 2x2 window sees the 7 at a different tap.
        assertArrayEquals(new float[] {0, 0, 0, 7, 0, 0, 7, 0, 0, 7, 0, 0, 7, 0, 0, 0},
                cpu.readFloats(padded));
        Tensor dx = SeededData.poisoned(cpu, 1, 1, 3, 3);
        float[] ones = new float[16];
        java.util.Arrays.fill(ones, 1f);
        cpu.col2im(dx, t(ones, 4, 4), s);
        // Each input counts the patches that contain it: 1 at corners, 2 at edges, 4 in the centre.
        assertArrayEquals(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, cpu.readFloats(dx));
    }

    @Test
    void swapLeadingAxesTurnsChannelMajorIntoBatchMajor() {
        Tensor dst = SeededData.poisoned(cpu, 3, 2, 2);
        cpu.swapLeadingAxes(dst, t(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 3, 2), 2, 3, 2);
        assertArrayEquals(new float[] {1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12}, cpu.readFloats(dst));
    }

    @Test
    void swapLeadingAxesAddBiasAddsEachLeadingIndexItsBias() {
        Tensor dst = SeededData.poisoned(cpu, 3, 2, 2);
        cpu.swapLeadingAxesAddBias(dst, t(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 3, 2),
                t(new float[] {100, 200}, 2), 2, 3, 2, false);
        assertArrayEquals(new float[] {101, 102, 207, 208, 103, 104, 209, 210, 105, 106, 211, 212},
                cpu.readFloats(dst));
    }

    @Test
    void reluZeroesNegativesAndPassesGradientOnlyWherePositive() {
        Tensor x = t(new float[] {-2, -0f, 0, 3, Float.NaN}, 5);
        Tensor y = SeededData.poisoned(cpu, 5);
        cpu.reluForward(y, x, 5);
        assertArrayEquals(new float[] {0, 0, 0, 3, Float.NaN}, cpu.readFloats(y));
        Tensor dx = SeededData.poisoned(cpu, 5);
        cpu.reluBackward(dx, t(new float[] {1, 2, 3, 4, 5}, 5), x, 5);
        assertArrayEquals(new float[] {0, 0, 0, 4, 5}, cpu.readFloats(dx));
    }

    @Test
    void maxPoolTakesWindowMaximaAndRoutesGradientToArgmax() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1; // 4x4: 1..16
        }
        Pool2d p = Pool2d.square(1, 1, 4, 4, 2, 2, 0);
        Tensor y = SeededData.poisoned(cpu, 1, 1, 2, 2);
        Tensor arg = SeededData.poisonedInts(cpu, 1, 1, 2, 2);
        cpu.maxPoolForward(y, arg, t(x, 1, 1, 4, 4), p);
        assertArrayEquals(new float[] {6, 8, 14, 16}, cpu.readFloats(y));
        assertArrayEquals(new int[] {5, 7, 13, 15}, cpu.readInts(arg));
        Tensor dx = SeededData.poisoned(cpu, 1, 1, 4, 4);
        cpu.maxPoolBackward(dx, t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2), arg, null, p);
        float[] expected = new float[16];
        expected[5] = 1;
        expected[7] = 2;
        expected[13] = 3;
        expected[15] = 4;
        assertArrayEquals(expected, cpu.readFloats(dx));
    }

    @Test
    void maxPoolPaddingNeverWinsAndOverlappingWindowsAccumulate() {
        float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9}; // 3x3, all negative
        Pool2d p = Pool2d.square(1, 1, 3, 3, 2, 1, 1); // output 4x4
        Tensor y = SeededData.poisoned(cpu, 1, 1, 4, 4);
        Tensor arg = SeededData.poisonedInts(cpu, 1, 1, 4, 4);
        cpu.maxPoolForward(y, arg, t(x, 1, 1, 3, 3), p);
        assertArrayEquals(new float[] {-1, -1, -2, -3, -1, -1, -2, -3, -4, -4, -5, -6, -7, -7, -8, -9},
                cpu.readFloats(y));
        Tensor dx = SeededData.poisoned(cpu, 1, 1, 3, 3);
        float[] ones = new float[16];
        java.util.Arrays.fill(ones, 1f);
        cpu.maxPoolBackward(dx, t(ones, 1, 1, 4, 4), arg, null, p);
        // Element (0,0) wins four windows, (0,1) and (1,0) two, the rest one.
        assertArrayEquals(new float[] {4, 2, 2, 2, 1, 1, 2, 1, 1}, cpu.readFloats(dx));
    }

    @Test
    void avgPoolCountsPaddingInTheDivisor() {
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        Pool2d p = Pool2d.square(1, 1, 3, 3, 3, 1, 1);
        Tensor y = SeededData.poisoned(cpu, 1, 1, 3, 3);
        cpu.avgPoolForward(y, t(ones, 1, 1, 3, 3), p);
        float c = 4f / 9;
        float e = 6f / 9;
        assertArrayEquals(new float[] {c, e, c, e, 1, e, c, e, c}, cpu.readFloats(y), 1e-7f);
        Tensor dx = SeededData.poisoned(cpu, 1, 1, 3, 3);
        cpu.avgPoolBackward(dx, t(ones, 1, 1, 3, 3), null, p);
        // Each input receives 1/9 from every window that covers it: 4 at corners, 6 at edges, 9 in the centre.
        assertArrayEquals(new float[] {c, e, c, e, 1, e, c, e, c}, cpu.readFloats(dx), 1e-7f);
    }

    @Test
    void avgPoolOfFourByFourTakesWindowMeans() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1;
        }
        Tensor y = SeededData.poisoned(cpu, 1, 1, 2, 2);
        cpu.avgPoolForward(y, t(x, 1, 1, 4, 4), Pool2d.square(1, 1, 4, 4, 2, 2, 0));
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, cpu.readFloats(y));
    }

    @Test
    void crossEntropyOfTheTenClassExampleIsMinusLogPointSix() {
        float[] p = {0.1f, 0.05f, 0.05f, 0.6f, 0.05f, 0.05f, 0.025f, 0.025f, 0.025f, 0.025f};
        float[] logits = new float[10];
        for (int j = 0; j < 10; j++) {
            logits[j] = (float) Math.log(p[j]); // softmax(log p) = p
        }
        Tensor loss = SeededData.poisoned(cpu);
        Tensor probs = SeededData.poisoned(cpu, 1, 10);
        Tensor labels = cpu.fromArray(new int[] {3}, 1);
        cpu.softmaxXentForward(loss, probs, null, t(logits, 1, 10), labels, 1, 10);
        // −ln 0.6 = 0.5108256; the logits carry float rounding of ~1e-7 relative.
        assertEquals(0.5108256, cpu.readFloats(loss)[0], 1e-6);
        assertArrayEquals(p, cpu.readFloats(probs), 1e-6f);
        Tensor d = SeededData.poisoned(cpu, 1, 10);
        cpu.softmaxXentBackward(d, probs, labels, 1, 10);
        assertEquals(0.6 - 1, cpu.readFloats(d)[3], 1e-6);
        assertEquals(0.1, cpu.readFloats(d)[0], 1e-6);
    }

    @Test
    void crossEntropyIsStableForHugeLogitsAndAveragesOverRows() {
        Tensor loss = SeededData.poisoned(cpu);
        Tensor probs = SeededData.poisoned(cpu, 2, 2);
        // Row 0: logits (1000, 0), label 0 -> loss ≈ 0; row 1: (0, 0), label 1 -> ln 2. Mean: ln 2 / 2.
        cpu.softmaxXentForward(loss, probs, null, t(new float[] {1000, 0, 0, 0}, 2, 2), cpu.fromArray(new int[] {0, 1}, 2),
                2, 2);
        assertEquals(Math.log(2) / 2, cpu.readFloats(loss)[0], 1e-7);
        assertArrayEquals(new float[] {1, 0, 0.5f, 0.5f}, cpu.readFloats(probs));
    }

    @Test
    void crossEntropyRejectsALabelOutsideTheClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.softmaxXentForward(
                cpu.empty(DType.F32), cpu.empty(DType.F32, 1, 3), null, t(new float[] {0, 0, 0}, 1, 3),
                cpu.fromArray(new int[] {3}, 1), 1, 3));
        assertEquals("softmaxXentForward: labels[0] = 3 is outside [0, 3)", e.getMessage());
    }

    @Test
    void mseOfTheSeedExampleIsPointZeroZeroZeroNine() {
        Tensor loss = SeededData.poisoned(cpu);
        cpu.mseForward(loss, t(new float[] {2.38f}, 1), t(new float[] {2.41f}, 1), 1);
        // 2.38 and 2.41 are stored with ≤ 1.2e-7 error each: (0.03 ± 2.4e-7)² is within 1.5e-8 of 0.0009.
        assertEquals(0.0009, cpu.readFloats(loss)[0], 2e-8);
        Tensor d = SeededData.poisoned(cpu, 2);
        cpu.mseBackward(d, t(new float[] {1, 4}, 2), t(new float[] {2, 1}, 2), 2);
        assertArrayEquals(new float[] {-1, 3}, cpu.readFloats(d)); // 2(ŷ − y)/2
    }

    @Test
    void klDivergenceIsCrossEntropyMinusEntropyAndIgnoresZeroTargets() {
        float[] p = {0.5f, 0.5f, 1f, 0f};
        float[] logQ = {(float) Math.log(0.25), (float) Math.log(0.75), (float) Math.log(0.5), (float) Math.log(0.5)};
        Tensor loss = SeededData.poisoned(cpu);
        cpu.klDivForward(loss, t(logQ, 2, 2), t(p, 2, 2), 2, 2);
        double row0 = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
        double row1 = Math.log(1 / 0.5);
        assertEquals((row0 + row1) / 2, cpu.readFloats(loss)[0], 1e-7);
        Tensor d = SeededData.poisoned(cpu, 2, 2);
        cpu.klDivBackward(d, t(p, 2, 2), 2, 2);
        assertArrayEquals(new float[] {-0.25f, -0.25f, -0.5f, -0f}, cpu.readFloats(d));
    }

    @Test
    void logSoftmaxOfWorkedRowsAndOfHugeLogits() {
        // Row 0: (0, ln 2, ln 5) has softmax (1, 2, 5)/8, so y = log of those. Row 1: ±1e4 and 0, where exp(x) would
        // overflow without the maximum subtracted: the largest logit gets log(1 + 2e^-1e4) = 0, the others x − 1e4.
        float[] x = {0, (float) Math.log(2), (float) Math.log(5), 1e4f, -1e4f, 0};
        Tensor y = SeededData.poisoned(cpu, 2, 3);
        cpu.logSoftmaxForward(y, t(x, 2, 3), 2, 3);
        float[] got = cpu.readFloats(y);
        double[] expected = {Math.log(1 / 8.0), Math.log(2 / 8.0), Math.log(5 / 8.0), 0, -2e4, -1e4};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "y[" + i + "]");
        }
        // dx = dy − softmax · Σ dy: with dy = (1, 0, 1) on row 0 (Σ = 2), dx = (1 − 2/8, −4/8, 1 − 10/8).
        Tensor dx = SeededData.poisoned(cpu, 2, 3);
        cpu.logSoftmaxBackward(dx, t(new float[] {1, 0, 1, 3, 2, 1}, 2, 3), y, 2, 3);
        // Row 1's softmax is (1, 0, 0) in float, so dx = dy − (Σ dy, 0, 0) = (3 − 6, 2, 1).
        assertArrayEquals(new float[] {0.75f, -0.5f, -0.25f, -3, 2, 1}, cpu.readFloats(dx), 1e-6f);
    }

    @Test
    void sgdFollowsPyTorchWithMomentumAndWeightDecay() {
        Tensor w = t(new float[] {1f}, 1);
        Tensor buf = SeededData.poisoned(cpu, 1);
        Tensor g = t(new float[] {0.5f}, 1);
        SgdHyper h = new SgdHyper(0.1f, 0.9f, 0f, 0.01f, false);
        cpu.sgdUpdate(w, buf, g, 1, h, true);
        // g' = 0.5 + 0.01·1 = 0.51; buf = 0.51 (first step copies); w = 1 − 0.1·0.51
        assertEquals(0.949, cpu.readFloats(w)[0], 1e-7);
        assertEquals(0.51, cpu.readFloats(buf)[0], 1e-7);
        cpu.sgdUpdate(w, buf, g, 1, h, false);
        // g' = 0.5 + 0.01·0.949 = 0.50949; buf = 0.9·0.51 + 0.50949 = 0.96849; w = 0.949 − 0.096849
        assertEquals(0.96849, cpu.readFloats(buf)[0], 1e-6);
        assertEquals(0.852151, cpu.readFloats(w)[0], 1e-6);
    }

    @Test
    void sgdNesterovAndDampeningAndPlain() {
        Tensor w = t(new float[] {1f}, 1);
        Tensor buf = SeededData.poisoned(cpu, 1);
        cpu.sgdUpdate(w, buf, t(new float[] {0.5f}, 1), 1, new SgdHyper(0.1f, 0.9f, 0f, 0f, true), true);
        // buf = 0.5; g = 0.5 + 0.9·0.5 = 0.95; w = 1 − 0.095
        assertEquals(0.905, cpu.readFloats(w)[0], 1e-7);
        Tensor w2 = t(new float[] {1f}, 1);
        Tensor buf2 = t(new float[] {1f}, 1);
        cpu.sgdUpdate(w2, buf2, t(new float[] {0.5f}, 1), 1, new SgdHyper(0.1f, 0.9f, 0.5f, 0f, false), false);
        // buf = 0.9·1 + (1 − 0.5)·0.5 = 1.15; w = 1 − 0.115
        assertEquals(1.15, cpu.readFloats(buf2)[0], 1e-6);
        assertEquals(0.885, cpu.readFloats(w2)[0], 1e-6);
        Tensor w3 = t(new float[] {2f}, 1);
        cpu.sgdUpdate(w3, null, t(new float[] {4f}, 1), 1, SgdHyper.plain(0.25f), true);
        assertArrayEquals(new float[] {1f}, cpu.readFloats(w3));
    }

    @Test
    void adamFollowsPyTorchWithBiasCorrectionDecayAndAmsgrad() {
        Tensor g = t(new float[] {0.5f}, 1);
        // A constant gradient moves w by lr per step: m̂ = g and √v̂ = |g| once bias-corrected.
        Tensor w = t(new float[] {1f}, 1);
        Tensor m = t(new float[] {0f}, 1);
        Tensor v = t(new float[] {0f}, 1);
        cpu.adamUpdate(w, m, v, null, g, 1, new AdamHyper(0.1, 0.9, 0.999, 1e-8, 0, false, false, 1));
        assertEquals(0.05, cpu.readFloats(m)[0], 1e-8); // 0 + 0.1·(0.5 − 0)
        assertEquals(0.00025, cpu.readFloats(v)[0], 1e-10); // 0.001·0.5²
        assertEquals(0.9, cpu.readFloats(w)[0], 1e-6);
        cpu.adamUpdate(w, m, v, null, g, 1, new AdamHyper(0.1, 0.9, 0.999, 1e-8, 0, false, false, 2));
        assertEquals(0.8, cpu.readFloats(w)[0], 1e-6);
        // Adam's L2 term enters the moments: g' = 0.5 + 0.1·1; AdamW scales w by 1 − 0.1·0.1 first.
        Tensor wl2 = t(new float[] {1f}, 1);
        Tensor ml2 = t(new float[] {0f}, 1);
        cpu.adamUpdate(wl2, ml2, t(new float[] {0f}, 1), null, g, 1,
                new AdamHyper(0.1, 0.9, 0.999, 1e-8, 0.1, false, false, 1));
        assertEquals(0.06, cpu.readFloats(ml2)[0], 1e-8);
        assertEquals(0.9, cpu.readFloats(wl2)[0], 1e-6);
        Tensor ww = t(new float[] {1f}, 1);
        cpu.adamUpdate(ww, t(new float[] {0f}, 1), t(new float[] {0f}, 1), null, g, 1,
                new AdamHyper(0.1, 0.9, 0.999, 1e-8, 0.1, true, false, 1));
        assertEquals(0.89, cpu.readFloats(ww)[0], 1e-6);
        // amsgrad: a smaller second gradient lowers v to 0.00024985, but the step divides by the kept 0.00025.
        Tensor wa = t(new float[] {1f}, 1);
        Tensor ma = t(new float[] {0f}, 1);
        Tensor va = t(new float[] {0f}, 1);
        Tensor vmax = t(new float[] {0f}, 1);
        cpu.adamUpdate(wa, ma, va, vmax, g, 1, new AdamHyper(0.1, 0.9, 0.999, 1e-8, 0, false, true, 1));
        cpu.adamUpdate(wa, ma, va, vmax, t(new float[] {0.01f}, 1), 1,
                new AdamHyper(0.1, 0.9, 0.999, 1e-8, 0, false, true, 2));
        assertEquals(0.00024985, cpu.readFloats(va)[0], 1e-10);
        assertEquals(0.00025, cpu.readFloats(vmax)[0], 1e-10);
        assertEquals(0.8315394, cpu.readFloats(wa)[0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new AdamHyper(0.1, 1.0, 0.999, 1e-8, 0, false, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new AdamHyper(0.1, 0.9, 0.999, 1e-8, 0, false, false, 0));
    }

    @Test
    void sgdRejectsNesterovWithoutMomentumAndNegativeRates() {
        assertThrows(IllegalArgumentException.class, () -> new SgdHyper(0.1f, 0f, 0f, 0f, true));
        assertThrows(IllegalArgumentException.class, () -> new SgdHyper(-0.1f, 0f, 0f, 0f, false));
        assertThrows(IllegalArgumentException.class, () -> new SgdHyper(Float.NaN, 0f, 0f, 0f, false));
    }

    @Test
    void argmaxTakesTheFirstMaximumAndNaNWins() {
        Tensor x = t(new float[] {1, 3, 3, 0, Float.NaN, 5, 2, 2, 2}, 3, 3);
        Tensor idx = SeededData.poisonedInts(cpu, 3);
        cpu.argmaxRows(idx, x, 3, 3);
        assertArrayEquals(new int[] {1, 1, 0}, cpu.readInts(idx));
        Tensor count = SeededData.poisonedInts(cpu);
        cpu.countCorrect(count, x, cpu.fromArray(new int[] {1, 2, 0}, 3), 3, 3);
        assertEquals(2, cpu.readInts(count)[0]);
    }

    @Test
    void fillAndCopyWriteEveryElement() {
        Tensor x = SeededData.poisoned(cpu, 3);
        cpu.fill(x, 2.5f);
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f}, cpu.readFloats(x));
        Tensor y = SeededData.poisoned(cpu, 3);
        cpu.copy(y, t(new float[] {1, 2, 3}, 3));
        assertArrayEquals(new float[] {1, 2, 3}, cpu.readFloats(y));
        Tensor i = SeededData.poisonedInts(cpu, 2);
        cpu.fill(i, 7);
        assertArrayEquals(new int[] {7, 7}, cpu.readInts(i));
    }

    @Test
    void poolingRejectsPaddingLargerThanHalfTheWindow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pool2d.square(1, 1, 4, 4, 2, 2, 2));
        assertTrue(e.getMessage().contains("padding"), e.getMessage());
    }
}
