package dev.clnn.backend.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.ConvPolicy;
import dev.clnn.device.DeviceInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvPolicyTest {
    private static final Conv2dShape GREY = Conv2dShape.square(64, 1, 28, 28, 16, 3, 1, 1); // 9 taps
    private static final Conv2dShape LIMIT = Conv2dShape.square(1, 2, 8, 8, 4, 4, 1, 0); // 32 taps
    private static final Conv2dShape WIDE = Conv2dShape.square(64, 16, 14, 14, 32, 3, 1, 1); // 144 taps

    @Test
    void theDefaultTakesTheDirectKernelForFewTapsOnCpusOnly() {
        ConvPolicy cpu = new ConvPolicy(null, false);
        assertEquals(ConvAlgorithm.DIRECT, cpu.choose(GREY));
        assertEquals(ConvAlgorithm.DIRECT, cpu.choose(LIMIT));
        assertEquals(ConvAlgorithm.IM2COL_GEMM, cpu.choose(WIDE));
        ConvPolicy gpu = new ConvPolicy(null, true);
        assertEquals(ConvAlgorithm.IM2COL_GEMM, gpu.choose(GREY));
    }

    @Test
    void aForcedAlgorithmWinsWhereItApplies() {
        ConvPolicy gemm = new ConvPolicy(null, false).forcing(ConvAlgorithm.IM2COL_GEMM);
        assertEquals(ConvAlgorithm.IM2COL_GEMM, gemm.choose(GREY));
        ConvPolicy direct = new ConvPolicy(null, true).forcing(ConvAlgorithm.DIRECT);
        assertEquals(ConvAlgorithm.DIRECT, direct.choose(GREY));
        assertEquals(ConvAlgorithm.IM2COL_GEMM, direct.choose(WIDE)); // beyond the direct kernel's limit
        assertTrue(direct.describe().contains("forced by clnn.conv"), direct.describe());
    }

    @Test
    void algorithmsParseByTheirWordsAndRejectOthersNamingTheChoices() {
        assertEquals(ConvAlgorithm.DIRECT, ConvAlgorithm.parse(" Direct "));
        assertEquals(ConvAlgorithm.IM2COL_GEMM, ConvAlgorithm.parse("im2col_gemm"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvAlgorithm.parse("fft"));
        assertEquals("unknown convolution algorithm 'fft': expected im2col_gemm, direct or auto", e.getMessage());
    }

    @Test
    void aTunedChoiceServesSmallPatchesOnly() {
        ConvPolicy gpu = ConvTuning.forDevice(KernelTuningTest.device(true, 256),
                Map.of(ConvTuning.STORE_NAME, "direct"));
        assertEquals(new ConvPolicy(null, ConvAlgorithm.DIRECT, true), gpu);
        assertEquals(ConvAlgorithm.DIRECT, gpu.choose(GREY));
        assertEquals(ConvAlgorithm.DIRECT, gpu.choose(LIMIT));
        assertEquals(ConvAlgorithm.IM2COL_GEMM, gpu.choose(WIDE)); // nothing to choose beyond the direct kernel
        assertEquals("direct for cin·kh·kw ≤ 32, else im2col_gemm (tuned)", gpu.describe());

        ConvPolicy cpu = ConvTuning.forDevice(KernelTuningTest.device(false, 4096),
                Map.of(ConvTuning.STORE_NAME, "im2col_gemm", "gemm.large", "vw16 rm6 wn2 g8"));
        assertEquals(ConvAlgorithm.IM2COL_GEMM, cpu.choose(GREY));
        assertEquals("im2col_gemm (tuned)", cpu.describe());
    }

    @Test
    void withoutAnEntryOrWithOneThatDoesNotParseTheRuleHolds() {
        DeviceInfo cpu = KernelTuningTest.device(false, 4096);
        assertEquals(new ConvPolicy(null, false), ConvTuning.forDevice(cpu, Map.of()));
        assertEquals(new ConvPolicy(null, false), ConvTuning.forDevice(cpu, Map.of(ConvTuning.STORE_NAME, "fft")));
        assertEquals("direct for cin·kh·kw ≤ 32, else im2col_gemm (default)",
                ConvTuning.forDevice(cpu, Map.of()).describe());
    }

    @Test
    void aForcedAlgorithmWinsOverTheTunedOne() {
        ConvPolicy tuned = ConvTuning.forDevice(KernelTuningTest.device(false, 4096),
                Map.of(ConvTuning.STORE_NAME, "direct"));
        ConvPolicy forced = tuned.forcing(ConvAlgorithm.IM2COL_GEMM);
        assertEquals(ConvAlgorithm.IM2COL_GEMM, forced.choose(GREY));
        assertEquals("im2col_gemm (forced by clnn.conv)", forced.describe());
        // a forced direct still leaves wide patches to im2col + GEMM, and the tuned choice keeps serving small ones
        ConvPolicy wrongWay = ConvTuning.forDevice(KernelTuningTest.device(true, 256),
                Map.of(ConvTuning.STORE_NAME, "im2col_gemm")).forcing(ConvAlgorithm.DIRECT);
        assertEquals(ConvAlgorithm.DIRECT, wrongWay.choose(GREY));
        assertEquals(ConvAlgorithm.IM2COL_GEMM, wrongWay.choose(WIDE));
    }
}
