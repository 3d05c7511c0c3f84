package dev.clnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.ConvPolicy;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.profile.ProfiledBackend;
import dev.clnn.nn.AvgPool2d;
import dev.clnn.nn.Conv2d;
import dev.clnn.nn.Flatten;
import dev.clnn.nn.Layer;
import dev.clnn.nn.Linear;
import dev.clnn.nn.MaxPool2d;
import dev.clnn.nn.ReLU;
import dev.clnn.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model built with its conv → relu → pool and linear → relu ReLUs fused computes exactly what the same layers
 * unfused compute: the fused store is the same max(v, 0) and the fused gate the same select on the same comparison,
 * so outputs, every parameter gradient and the input gradient agree bit for bit, for both convolution algorithms.
 */
class ReluFusionTest {
    /** Two ReLUs fusable into pooling (max and overlapping, padded avg pooling) and one into the linear before it. */
    private static final String SPEC = "conv(2,4,3,1,1),relu,maxpool(2,2,0),conv(4,5,3,1,1),relu,avgpool(3,2,1),"
            + "flatten,linear(20,6),relu,linear(6,3)";
    private static final int[] INPUT = {3, 2, 9, 7};

    @Test
    void aReluBetweenAConvolutionAndAPoolingLayerOrAfterALinearLayerFuses() {
        ReluFusion fusion = new ReluFusion(ModelSpec.parse(SPEC).layers());
        List<Integer> fused = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            if (fusion.isFused(i)) {
                fused.add(i);
            }
        }
        assertEquals(List.of(1, 4, 8), fused);
        assertTrue(fusion.feedsFused(0) && fusion.followsFused(2) && fusion.feedsFused(3) && fusion.followsFused(5)
                && fusion.feedsFused(7));
        assertFalse(fusion.followsFused(9), "the linear layer after a linear-fused ReLU does not gate");
        ReluFusion mlp = new ReluFusion(ModelSpec.parse("linear(4,4),relu,linear(4,2),relu").layers());
        assertTrue(mlp.isFused(1) && mlp.isFused(3) && mlp.feedsFused(0) && mlp.feedsFused(2));
        for (String unfused : List.of("conv(1,2,3),relu,conv(2,2,3)", "conv(1,2,3),relu,flatten,linear(2,2)",
                "relu,maxpool(2)", "relu,linear(4,2)", "conv(1,2,3),maxpool(2),relu")) {
            ReluFusion f = new ReluFusion(ModelSpec.parse(unfused).layers());
            for (int i = -1; i <= 4; i++) {
                assertFalse(f.isFused(i), unfused + " layer " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ConvAlgorithm.class)
    void theFusedModelComputesTheUnfusedModelsValuesAndGradients(ConvAlgorithm algorithm) {
        CpuBackend cpu = new CpuBackend(new ConvPolicy(algorithm, false));
        SplittableRandom random = new SplittableRandom(11);
        float[] x = new float[INPUT[0] * INPUT[1] * INPUT[2] * INPUT[3]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        float[] dy = new float[INPUT[0] * 3];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = (float) (random.nextDouble() * 2 - 1);
        }
        for (boolean paramsOnly : new boolean[] {false, true}) {
            try (Sequential fused = Models.build(cpu, ModelSpec.parse(SPEC), 5); Sequential plain = unfused(cpu, 5)) {
                float[][] expected = step(cpu, plain, x, dy, paramsOnly);
                float[][] actual = step(cpu, fused, x, dy, paramsOnly);
                assertEquals(expected.length, actual.length);
                for (int i = 0; i < expected.length; i++) {
                    assertArrayEquals(expected[i], actual[i], algorithm + " paramsOnly=" + paramsOnly + " array " + i);
                }
                assertEquals(plain.namedParams().keySet(), fused.namedParams().keySet(), "state-dict names");
            }
        }
    }

    @Test
    void theFusedModelLaunchesNoReluOfItsOwn() {
        try (ProfiledBackend profiled = ProfiledBackend.wrap(new CpuBackend());
                Sequential model = Models.build(profiled, ModelSpec.parse(SPEC), 5)) {
            step(profiled, model, new float[3 * 2 * 9 * 7], new float[3 * 3], false);
            Set<String> relu = profiled.takeProfile().ops().stream().filter(o -> o.op().startsWith("relu"))
                    .map(o -> o.op() + " " + o.calls()).collect(Collectors.toSet());
            assertEquals(Set.of("reluBiasAddBackward 1"), relu);
        }
    }

    /**
     * An MLP whose every ReLU fuses into the linear layer before it (the last one too): its first layer takes the
     * parameters-only backward, which must gate as well.
     */
    @Test
    void aFusedMlpComputesTheUnfusedValuesAndGradients() {
        CpuBackend cpu = new CpuBackend();
        SplittableRandom random = new SplittableRandom(12);
        int n = 5;
        float[] x = new float[n * 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        float[] dy = new float[n * 3];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = (float) (random.nextDouble() * 2 - 1);
        }
        for (boolean paramsOnly : new boolean[] {false, true}) {
            try (Sequential fused = Models.build(cpu, ModelSpec.parse("linear(7,6),relu,linear(6,3),relu"), 9);
                    Sequential plain = unfusedMlp(cpu, 9)) {
                float[][] expected = step(cpu, plain, x, new int[] {n, 7}, dy, paramsOnly);
                float[][] actual = step(cpu, fused, x, new int[] {n, 7}, dy, paramsOnly);
                assertEquals(expected.length, actual.length);
                for (int i = 0; i < expected.length; i++) {
                    assertArrayEquals(expected[i], actual[i], "mlp paramsOnly=" + paramsOnly + " array " + i);
                }
                assertEquals(plain.namedParams().keySet(), fused.namedParams().keySet(), "state-dict names");
            }
        }
    }

    private static Sequential unfusedMlp(Backend be, long seed) {
        SplittableRandom init = new SplittableRandom(seed);
        return new Sequential(List.of(new Linear(be, 7, 6, init), new ReLU(be), new Linear(be, 6, 3, init),
                new ReLU(be)));
    }

    /** The model of {@link #SPEC} from plain layers, initialised in the same order as {@link Models#build}. */
    private static Sequential unfused(Backend be, long seed) {
        SplittableRandom init = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        layers.add(new Conv2d(be, 2, 4, 3, 1, 1, init));
        layers.add(new ReLU(be));
        layers.add(new MaxPool2d(be, 2, 2, 0));
        layers.add(new Conv2d(be, 4, 5, 3, 1, 1, init));
        layers.add(new ReLU(be));
        layers.add(new AvgPool2d(be, 3, 2, 1));
        layers.add(new Flatten());
        layers.add(new Linear(be, 20, 6, init));
        layers.add(new ReLU(be));
        layers.add(new Linear(be, 6, 3, init));
        return new Sequential(layers);
    }

    /** Forward, then backward from dy: the output, every parameter gradient and (unless paramsOnly) dx. */
    private static float[][] step(Backend be, Sequential model, float[] x, float[] dy, boolean paramsOnly) {
        return step(be, model, x, INPUT, dy, paramsOnly);
    }

    private static float[][] step(Backend be, Sequential model, float[] x, int[] shape, float[] dy,
            boolean paramsOnly) {
        List<float[]> out = new ArrayList<>();
        Tensor xt = be.fromArray(x, shape);
        Tensor dyt = be.fromArray(dy, shape[0], 3);
        model.zeroGrad();
        out.add(be.readFloats(model.forward(xt)));
        if (paramsOnly) {
            model.backwardParametersOnly(dyt);
        } else {
            out.add(be.readFloats(model.backward(dyt)));
        }
        model.params().forEach(p -> out.add(be.readFloats(p.grad())));
        xt.close();
        dyt.close();
        return out.toArray(float[][]::new);
    }
}
