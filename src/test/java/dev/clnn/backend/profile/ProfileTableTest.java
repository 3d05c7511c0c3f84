package dev.clnn.backend.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.KernelTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The profile table: order, per-step figures, shares, rates, and the kernels under their op. */
class ProfileTableTest {
    private static final long MS = 1_000_000;

    /** Two steps: gemm (two kernels) 6 ms, relu (one kernel) 2 ms, of 10 ms wall. */
    private static Profile twoSteps() {
        OpProfile relu = new OpProfile("reluForward", 2, 2 * MS, 8_000_000, WorkUnit.BYTE,
                List.of(new KernelTime("reluForward", "relu_forward", 2, 2 * MS)));
        OpProfile gemm = new OpProfile("gemm", 4, 6 * MS, 1_200_000_000, WorkUnit.FLOP,
                List.of(new KernelTime("gemm", "pack_a", 4, MS), new KernelTime("gemm", "gemm_blocked", 4, 5 * MS)));
        return new Profile(List.of(relu, gemm));
    }

    @Test
    void opsComeSlowestFirstWithSeveralKernelsUnderTheirOpAndOneKernelOnItsRow() {
        List<String> lines = ProfileTable.lines(twoSteps(), 2, 10 * MS, "dev");
        assertEquals("profile of 2 steps on dev: 5.00 ms per step", lines.get(0));
        assertTrue(lines.get(1).matches("\\s+op\\s+kernel\\s+calls/step\\s+ms/step\\s+share\\s+rate"), lines.get(1));
        assertTrue(lines.get(2).matches("\\s+gemm\\s+2\\s+3\\.000\\s+60\\.0 %\\s+200\\.0 GFLOP/s"), lines.get(2));
        assertTrue(lines.get(3).matches("\\s+gemm_blocked\\s+2\\s+2\\.500\\s+50\\.0 %"), lines.get(3));
        assertTrue(lines.get(4).matches("\\s+pack_a\\s+2\\s+0\\.500\\s+10\\.0 %"), lines.get(4));
        assertTrue(lines.get(5).matches("\\s+reluForward\\s+relu_forward\\s+1\\s+1\\.000\\s+20\\.0 %\\s+4\\.0 GB/s"),
                lines.get(5));
        assertTrue(lines.get(6).matches("\\s+\\(outside ops\\)\\s+1\\.000\\s+20\\.0 %"), lines.get(6));
        assertEquals(7, lines.size(), String.join("\n", lines));
    }

    @Test
    void withoutKernelsThereIsNoKernelColumn() {
        Profile cpu = new Profile(List.of(new OpProfile("gemm", 3, 3 * MS, 0, WorkUnit.FLOP, List.of())));
        List<String> lines = ProfileTable.lines(cpu, 2, 4 * MS, "cpu");
        assertTrue(lines.get(1).matches("\\s+op\\s+calls/step\\s+ms/step\\s+share\\s+rate"), lines.get(1));
        assertTrue(lines.get(2).matches("\\s+gemm\\s+1\\.5\\s+1\\.500\\s+75\\.0 %"),
                "no work, no rate: " + lines.get(2));
    }

    @Test
    void addingProfilesAddsTheSameOpsAndKernels() {
        Profile sum = twoSteps().plus(twoSteps());
        OpProfile gemm = sum.op("gemm").orElseThrow();
        assertEquals(8, gemm.calls());
        assertEquals(12 * MS, gemm.nanos());
        assertEquals(2_400_000_000L, gemm.work());
        assertEquals(List.of(new KernelTime("gemm", "gemm_blocked", 8, 10 * MS), new KernelTime("gemm", "pack_a", 8,
                2 * MS)), gemm.kernels());
        assertEquals(16 * MS, sum.nanos());
        assertEquals(sum, Profile.empty().plus(sum));
    }

    @Test
    void aTableOfNoStepsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProfileTable.lines(twoSteps(), 0, MS, "dev"));
    }
}
