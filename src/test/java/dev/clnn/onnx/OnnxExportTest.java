package dev.clnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Standardization;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.BatchNorm;
import dev.clnn.nn.Layer;
import dev.clnn.nn.Sequential;
import dev.clnn.train.ClassScores;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exports models and runs them in ONNX Runtime beside clnn's own eval-mode forward pass on the CPU reference.
 * Both sides compute in float32 but sum in different orders (ONNX Runtime's GEMM and convolution block and vectorise
 * their dot products), so each output may differ by a few units in the last place of the largest partial sums:
 * for sums of at most a few thousand terms of size ~1 that stays far below 1e-5 of the output's scale.
 */
class OnnxExportTest {
    /** The relative tolerance, against the largest magnitude of the reference output. */
    static final double TOLERANCE = 1e-5;
    private static final int[] BATCHES = {1, 3, 17};

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} on [{1}]")
    @CsvSource(delimiter = ';', value = {
        "linear(6,5); 6",
        "conv(2,4,3,2,1); 2,9,9",
        "maxpool(3,2,1); 3,8,8",
        "avgpool(3,2,1); 3,7,7",
        "flatten; 2,3,4",
        "batchnorm1d(5); 5",
        "batchnorm2d(3); 3,5,6",
        "dropout(0.5),linear(4,2); 4",
        "mlp; 784",
        "cnn; 1,28,28",
        "conv(1,4,3,1,1),relu,batchnorm2d(4),avgpool(2),flatten,dropout(0.3),linear(64,8),relu,linear(8,3); 1,8,8"})
    void theExportComputesWhatClnnComputes(String spec, String shape) throws Exception {
        int[] sample = parseShape(shape);
        double worst = compare(ModelSpec.parse(spec), sample, Onnx.Options.logits());
        System.out.printf("onnx export %s: largest relative difference %.3g%n", spec, worst);
    }

    @Test
    void aStandardizationComesFirst() throws Exception {
        Standardization s = new Standardization(new float[] {5.8f, 3.0f, 3.8f, 1.2f},
                new float[] {0.83f, 0.44f, 1.77f, 0.76f});
        double worst = compare(ModelSpec.parse("linear(4,8),relu,linear(8,3)"), new int[] {4},
                Onnx.Options.logits().with(s));
        System.out.printf("onnx export standardized: largest relative difference %.3g%n", worst);
    }

    @Test
    void probabilitiesAreSoftmaxRows() throws Exception {
        Standardization s = new Standardization(new float[] {1, 2, 3, 4}, new float[] {2, 2, 2, 2});
        double worst = compare(ModelSpec.parse("linear(4,8),relu,linear(8,3)"), new int[] {4},
                Onnx.Options.logits().with(s).withProbabilities());
        System.out.printf("onnx export probabilities: largest relative difference %.3g%n", worst);
    }

    @Test
    void theGraphUsesOpset13AndEveryRelu() throws IOException {
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, ModelSpec.parse("cnn"), 1)) {
            OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Onnx.toBytes(net, cpu, new int[] {1, 28, 28},
                    Onnx.Options.logits()));
            assertEquals(13, m.getOpsetImport(0).getVersion());
            List<String> ops = m.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
            // clnn fuses both ReLUs into the convolutions; the graph still has them.
            assertEquals(List.of("Conv", "Relu", "MaxPool", "Conv", "Relu", "AveragePool", "Flatten", "Gemm"), ops);
            assertEquals("input", m.getGraph().getInput(0).getName());
            assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
            assertEquals("output", m.getGraph().getOutput(0).getName());
        }
    }

    @Test
    void aShapeTheModelRejectsNamesTheLayer() {
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, ModelSpec.parse("mlp"), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Onnx.export(net, cpu, new int[] {10}, tmp.resolve("bad.onnx")));
            assertTrue(e.getMessage().contains("linear(784, 512)"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("bad.onnx")));
        }
    }

    @Test
    void aLayerOnnxCannotExpressIsRefusedByName() {
        Layer odd = new Layer() {
            @Override
            public int[] outputShape(int[] inputShape) {
                return inputShape.clone();
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }

            @Override
            public Tensor backward(Tensor dy) {
                return dy;
            }

            @Override
            public void close() {
            }

            @Override
            public String toString() {
                return "Odd()";
            }
        };
        try (Backend cpu = new CpuBackend(); Sequential net = new Sequential(List.of(odd))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Onnx.toBytes(net, cpu, new int[] {3}, Onnx.Options.logits()));
            assertEquals("ONNX export cannot express layer 0, Odd()", e.getMessage());
        }
    }

    /**
     * Builds {@code spec} with seed 3, gives every batch norm non-trivial running statistics, exports it and checks
     * ONNX Runtime's output against clnn's for batches of 1, 3 and 17; returns the largest relative difference.
     */
    private double compare(ModelSpec spec, int[] sample, Onnx.Options options) throws IOException, OrtException {
        Path file = tmp.resolve("model.onnx");
        double worst = 0;
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, spec, 3)) {
            SplittableRandom random = new SplittableRandom(11);
            for (Layer layer : net.layers()) {
                if (layer instanceof BatchNorm b) {
                    b.runningMean().write(values(random, b.runningMean().shape()[0], -1, 1));
                    b.runningVar().write(values(random, b.runningVar().shape()[0], 0.2, 3));
                    cpu.write(b.weight().value(), values(random, b.weight().size(), 0.5, 1.5));
                    cpu.write(b.bias().value(), values(random, b.bias().size(), -0.5, 0.5));
                }
            }
            net.eval();
            Onnx.export(net, cpu, sample, file, options);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
                String outputName = options.probabilities() ? "probabilities" : "output";
                assertEquals(List.of("input"), new ArrayList<>(session.getInputNames()));
                assertEquals(List.of(outputName), new ArrayList<>(session.getOutputNames()));
                for (int n : BATCHES) {
                    int[] shape = Models.batchShape(n, sample);
                    float[] x = values(random, n * size(sample), -2, 2);
                    float[] expected = clnn(cpu, net, x, shape, options);
                    float[] actual;
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), toLong(shape));
                            OrtSession.Result result = session.run(Map.of("input", in))) {
                        OnnxTensor out = (OnnxTensor) result.get(0);
                        FloatBuffer buffer = out.getFloatBuffer();
                        actual = new float[buffer.remaining()];
                        buffer.get(actual);
                        assertEquals(n, out.getInfo().getShape()[0]);
                    }
                    worst = Math.max(worst, assertClose(expected, actual, spec.text() + ", batch " + n));
                    if (options.probabilities()) {
                        assertRowsSumToOne(actual, n);
                    }
                }
            }
        }
        return worst;
    }

    /** clnn's eval-mode output, with the standardization and softmax the options add. */
    private static float[] clnn(Backend cpu, Sequential net, float[] x, int[] shape, Onnx.Options options) {
        float[] in = options.standardization() == null ? x : options.standardization().apply(x);
        float[] y;
        try (Tensor t = cpu.fromArray(in, shape)) {
            y = cpu.readFloats(net.forward(t));
        }
        if (options.probabilities()) {
            int n = shape[0];
            int k = y.length / n;
            for (int i = 0; i < n; i++) {
                double[] row = ClassScores.softmax(y, i * k, k); // as clnn reads a classifier's scores
                for (int j = 0; j < k; j++) {
                    y[i * k + j] = (float) row[j];
                }
            }
        }
        return y;
    }

    static double assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": output size");
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        scale = Math.max(scale, Float.MIN_NORMAL);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]) / scale;
            assertTrue(d <= TOLERANCE, what + ": element " + i + " clnn " + expected[i] + ", ONNX Runtime "
                    + actual[i]);
            worst = Math.max(worst, d);
        }
        return worst;
    }

    private static void assertRowsSumToOne(float[] p, int n) {
        int k = p.length / n;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                assertTrue(p[i * k + j] >= 0);
                sum += p[i * k + j];
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    private static float[] values(SplittableRandom random, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(lo, hi);
        }
        return v;
    }

    static int[] parseShape(String text) {
        String[] parts = text.split(",");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shape[i] = Integer.parseInt(parts[i].trim());
        }
        return shape;
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    private static long[] toLong(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            l[i] = shape[i];
        }
        return l;
    }
}
