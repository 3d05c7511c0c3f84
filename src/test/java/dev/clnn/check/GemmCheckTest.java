package dev.clnn.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.cpu.CpuBackend;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The GEMM check passes the reference against itself and catches the usual ways a product goes wrong. */
class GemmCheckTest {
    private final CpuBackend cpu = new CpuBackend();
    private final GemmCheck.Case accumulating = new GemmCheck.Case(7, 5, 3, true, false, 0.5f, 2f);

    @Test
    void theReferenceMatchesItselfExactly() {
        GemmCheck.Operands o = GemmCheck.Operands.seeded(new SplittableRandom(3), accumulating);
        ParityComparison r = GemmCheck.compare(cpu, accumulating, o, Tolerances.EXACT);
        assertTrue(r.passed(), r.line());
        assertEquals(0, r.maxAbsDiff());
        assertEquals("gemm TN 7x5x3 beta 2.0", r.name());
    }

    @Test
    void aProductThatIgnoresBetaFailsAndNamesTheWorstElement() {
        GemmCheck.Operands o = GemmCheck.Operands.seeded(new SplittableRandom(3), accumulating);
        ParityComparison r = GemmCheck.compare(cpu, (c, a, b, ta, tb, m, n, k, alpha, beta)
                -> cpu.gemm(c, a, b, ta, tb, m, n, k, alpha, 0f), accumulating, o, Tolerances.GEMM);
        assertFalse(r.passed());
        assertTrue(r.index() >= 0 && r.maxAbsDiff() > 0, r.line());
        assertThrows(IllegalStateException.class, r::requirePassed);
    }

    @Test
    void aProductThatLeavesCUnwrittenFailsOutright() {
        GemmCheck.Case overwriting = new GemmCheck.Case(4, 6, 9, false, true, 1f, 0f);
        double worst = GemmCheck.worst(cpu, (c, a, b, ta, tb, m, n, k, alpha, beta) -> { }, List.of(overwriting));
        assertTrue(Double.isNaN(worst), "NaN-poisoned C left as it was: " + worst);
    }

    @Test
    void operandsDrawAThenBThenCOnlyWhenItIsRead() {
        GemmCheck.Case overwriting = new GemmCheck.Case(2, 3, 4, false, false, 1f, 0f);
        GemmCheck.Operands o = GemmCheck.Operands.seeded(new SplittableRandom(5), overwriting);
        SplittableRandom same = new SplittableRandom(5);
        assertEquals(List.of(SeededData.uniform(same, 8)[7], SeededData.uniform(same, 12)[11]),
                List.of(o.a()[7], o.b()[11]));
        assertTrue(Float.isNaN(o.c()[0]));
    }
}
