package dev.clnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.opencl.tuning.GemmClass;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gemm_gpu's workloads, checked without OpenCL: what a round runs at full size and for a tiny budget. */
class GpuGemmFamilyTest {
    @Test
    void theFullWorkloadIsTheSquareOf1024AndTheTrainingProductsOfEveryClass() {
        List<GemmOperands.Shape> full = GpuGemmFamily.workload(true);
        assertEquals(new GemmOperands.Shape(1024, 1024, 1024, false, false), full.get(0));
        assertEquals(full.size(), new HashSet<>(full).size(), "no product twice: " + full);
        for (GemmClass c : GemmClass.values()) {
            assertTrue(full.stream().anyMatch(s -> GemmClass.of(s.m(), s.n(), s.k()) == c), c + " in " + full);
        }
        // NN, NT and TN all run in training
        assertTrue(full.stream().anyMatch(s -> s.transA() && !s.transB()), full.toString());
        assertTrue(full.stream().anyMatch(s -> !s.transA() && s.transB()), full.toString());
    }

    @Test
    void aTinyBudgetMeasuresA256SquareAndNoLargeProduct() {
        List<GemmOperands.Shape> reduced = GpuGemmFamily.workload(false);
        assertEquals(new GemmOperands.Shape(256, 256, 256, false, false), reduced.get(0));
        assertTrue(reduced.stream().allMatch(s -> GemmClass.of(s.m(), s.n(), s.k()) == GemmClass.SMALL),
                reduced.toString());
        assertTrue(GpuGemmFamily.workload(true).containsAll(reduced.subList(1, reduced.size())),
                "the reduced workload is the full one's small products");
    }
}
