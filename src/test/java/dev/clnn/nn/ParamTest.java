package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

class ParamTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void movingTheGradientKeepsItsValuesInTheNewTensor() {
        try (Param p = new Param(cpu, "weight", cpu.fromArray(new float[6], 2, 3))) {
            float[] g = {1, -2, 3, -4, 5, Float.NaN};
            cpu.write(p.grad(), g);
            Tensor destination = cpu.fromArray(new float[] {9, 9, 9, 9, 9, 9}, 2, 3);
            p.moveGradientTo(destination);
            assertSame(destination, p.grad());
            assertArrayEquals(g, cpu.readFloats(p.grad()));
            p.zeroGrad();
            assertArrayEquals(new float[6], cpu.readFloats(destination), "the parameter now works on the new tensor");
        }
    }

    @Test
    void aDestinationOfAnotherShapeOrTypeIsRefused() {
        try (Param p = new Param(cpu, "bias", cpu.fromArray(new float[3], 3))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.moveGradientTo(cpu.empty(DType.F32, 4)));
            assertTrue(e.getMessage().startsWith("parameter bias: cannot move its gradient"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.moveGradientTo(cpu.empty(DType.I32, 3)));
            assertArrayEquals(new float[3], cpu.readFloats(p.grad()), "a refused move leaves the gradient as it was");
        }
    }
}
