package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The direct convolution (forward and parameter gradients) on OpenCL against the CPU reference. */
@Tag("opencl")
class ConvDirectParityTest {
    private final CpuBackend cpu = new CpuBackend();

    /** Every case of {@link ConvCases} the direct algorithm takes, and shapes around its limits. */
    static List<Conv2dShape> cases() {
        List<Conv2dShape> cases = new ArrayList<>();
        for (Conv2dShape s : ConvCases.all()) {
            if (ConvAlgorithm.DIRECT.supports(s)) {
                cases.add(s);
            }
        }
        cases.add(Conv2dShape.square(64, 1, 28, 28, 16, 3, 1, 1)); // the cnn model's first layer
        cases.add(Conv2dShape.square(2, 1, 17, 19, 3, 5, 1, 2)); // rows of 19: two full float8s and a tail of 3
        cases.add(Conv2dShape.square(3, 2, 4, 4, 2, 4, 1, 0)); // 32 taps, the most the kernel takes
        cases.add(new Conv2dShape(17, 3, 11, 23, 7, 3, 3, 1, 2, 0, 1)); // 17 images: more than the slices
        return cases;
    }

    @Test
    void forwardIsIdenticalAndGradientsAccumulateTheSameSums() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int seed = 0;
        for (Conv2dShape s : cases()) {
            SplittableRandom random = new SplittableRandom(++seed);
            float[] x = SeededData.uniform(random, s.inputSize(), -1, 1);
            float[] w = SeededData.uniform(random, s.cout() * s.patch(), -1, 1);
            float[] b = SeededData.uniform(random, s.cout(), -1, 1);
            float[] dy = SeededData.uniform(random, s.outputSize(), -1, 1);
            float[] dw0 = SeededData.uniform(random, w.length, -1, 1); // accumulating: the same prefill on both
            float[] db0 = SeededData.uniform(random, b.length, -1, 1);
            // Both take the same fused multiply-adds in the same order, so forward agrees bit for bit.
            TestArrays.assertIdentical("convDirectForward " + s + " seed=" + seed, forward(cl, s, x, w, b, false),
                    forward(cpu, s, x, w, b, false));
            // With the fused ReLU: the same sums through the same max(v, 0), and equal to the ReLU done after.
            float[] fused = forward(cpu, s, x, w, b, true);
            TestArrays.assertIdentical("convDirectForward relu " + s + " seed=" + seed, forward(cl, s, x, w, b, true),
                    fused);
            TestArrays.assertIdentical("convDirectForward relu = conv then relu " + s, fused,
                    relu(forward(cpu, s, x, w, b, false)));
            float[][] expected = backward(cpu, s, x, dy, dw0, db0);
            float[][] actual = backward(cl, s, x, dy, dw0, db0);
            TestArrays.assertClose("convDirectBackward dW " + s + " seed=" + seed, actual[0], expected[0],
                    Tolerances.REDUCTION);
            TestArrays.assertClose("convDirectBackward db " + s + " seed=" + seed, actual[1], expected[1],
                    Tolerances.REDUCTION);
        }
    }

    @Test
    void bothBackendsRejectAPatchBeyondTheLimit() {
        Conv2dShape s = Conv2dShape.square(1, 4, 5, 5, 2, 3, 1, 1); // 36 taps
        for (Backend be : List.of(cpu, OpenClTestSupport.backend())) {
            try (Tensor x = be.empty(DType.F32, s.inputSize()); Tensor y = be.empty(DType.F32, s.outputSize());
                    Tensor w = be.empty(DType.F32, s.cout() * s.patch()); Tensor b = be.empty(DType.F32, s.cout())) {
                assertThrows(IllegalArgumentException.class, () -> be.convDirectForward(y, x, w, b, s, false),
                        be.name());
                assertThrows(IllegalArgumentException.class, () -> be.convDirectBackward(w, b, y, x, s), be.name());
            }
        }
    }

    private float[] relu(float[] v) {
        try (Tensor in = cpu.fromArray(v, v.length); Tensor out = SeededData.poisoned(cpu, v.length)) {
            cpu.reluForward(out, in, v.length);
            return cpu.readFloats(out);
        }
    }

    private static float[] forward(Backend be, Conv2dShape s, float[] x, float[] w, float[] b, boolean relu) {
        try (Tensor xt = be.fromArray(x, s.n(), s.cin(), s.h(), s.w());
                Tensor wt = be.fromArray(w, s.cout(), s.cin(), s.kh(), s.kw()); Tensor bt = be.fromArray(b, s.cout());
                Tensor y = SeededData.poisoned(be, s.n(), s.cout(), s.outH(), s.outW())) {
            be.convDirectForward(y, xt, wt, bt, s, relu);
            return be.readFloats(y);
        }
    }

    private static float[][] backward(Backend be, Conv2dShape s, float[] x, float[] dy, float[] dw0, float[] db0) {
        try (Tensor xt = be.fromArray(x, s.n(), s.cin(), s.h(), s.w());
                Tensor dyt = be.fromArray(dy, s.n(), s.cout(), s.outH(), s.outW());
                Tensor dw = be.fromArray(dw0, s.cout(), s.cin(), s.kh(), s.kw());
                Tensor db = be.fromArray(db0, s.cout())) {
            be.convDirectBackward(dw, db, dyt, xt, s);
            return new float[][] {be.readFloats(dw), be.readFloats(db)};
        }
    }
}
