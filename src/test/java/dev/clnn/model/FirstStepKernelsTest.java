package dev.clnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.Kernels;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FirstStepKernelsTest {
    @Test
    void anMlpLaunchesOnlyTheCommonKernels() {
        assertEquals(Set.of(), FirstStepKernels.of(ModelSpec.parse("mlp")));
    }

    @Test
    void aReluOfItsOwnAddsReluButAFusedOneDoesNot() {
        assertEquals(Set.of(Kernels.RELU_FORWARD), FirstStepKernels.of(ModelSpec.parse("relu,linear(4,2),relu")));
    }

    @Test
    void theCnnAddsConvolutionAndBothPoolings() {
        assertEquals(Set.of(Kernels.IM2COL, Kernels.SWAP_LEADING_AXES, Kernels.COL2IM, Kernels.CONV_DIRECT_FORWARD,
                Kernels.MAX_POOL_FORWARD_2X2, Kernels.MAX_POOL_BACKWARD_SCATTER, Kernels.AVG_POOL_FORWARD_2X2,
                Kernels.AVG_POOL_BACKWARD_SCATTER),
                FirstStepKernels.of(ModelSpec.parse("cnn")));
    }
}
