package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Standardization;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.train.ClassScores;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clnn export} end to end: a checkpoint with a standardization in, an ONNX file that ONNX Runtime runs out. */
class ExportCommandTest {
    private static final String SPEC = "linear(4,8),relu,linear(8,3)";
    private static final Standardization STANDARDIZATION = new Standardization(new float[] {5.8f, 3.0f, 3.8f, 1.2f},
            new float[] {0.83f, 0.44f, 1.77f, 0.76f});
    private static final float[] FLOWERS = {5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f, 5.9f, 2.8f, 4.3f, 1.3f};

    @TempDir
    Path tmp;

    @Test
    void exportsTheStandardizedModelWithProbabilities() throws Exception {
        Path weights = tmp.resolve("iris.safetensors");
        float[] expected;
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, ModelSpec.parse(SPEC), 5)) {
            Checkpoint.save(weights, net, cpu, Map.of(), STANDARDIZATION.toTensors());
            net.eval();
            try (Tensor x = cpu.fromArray(STANDARDIZATION.apply(FLOWERS), 3, 4)) {
                expected = softmaxRows(cpu.readFloats(net.forward(x)), 3);
            }
        }
        Path onnx = tmp.resolve("iris.onnx");
        CliRun run = CliRun.of("export", "--model", SPEC, "--weights", weights.toString(), "--onnx", onnx.toString(),
                "--probabilities");
        assertEquals(0, run.code(), run.err());
        assertEquals("wrote " + onnx + " (ONNX opset 13, input [N,4], output probabilities)\n", run.out());

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(FLOWERS), new long[] {3, 4});
                OrtSession.Result result = session.run(Map.of("input", in))) {
            float[][] p = (float[][]) result.get("probabilities").orElseThrow().getValue();
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(expected[i * 3 + k], p[i][k], 1e-6, "row " + i + " class " + k);
                }
            }
        }
    }

    @Test
    void aConvolutionTakesMnistImagesUnlessTold() throws Exception {
        Path weights = tmp.resolve("cnn.safetensors");
        String spec = "conv(1,2,3),relu,maxpool(2),flatten";
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, ModelSpec.parse(spec), 5)) {
            Checkpoint.save(weights, net, cpu, Map.of());
        }
        Path onnx = tmp.resolve("cnn.onnx");
        CliRun mnist = CliRun.of("export", "--model", spec, "--weights", weights.toString(), "--onnx",
                onnx.toString());
        assertEquals(0, mnist.code(), mnist.err());
        assertEquals("wrote " + onnx + " (ONNX opset 13, input [N,1,28,28], output logits)\n", mnist.out());
        CliRun told = CliRun.of("export", "--model", spec, "--weights", weights.toString(), "--onnx",
                onnx.toString(), "--input-shape", "1,10,12");
        assertEquals(0, told.code(), told.err());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            long[] shape = ((TensorInfo) session.getOutputInfo().get("output").getInfo()).getShape();
            assertEquals("[-1, 40]", Arrays.toString(shape));
        }
    }

    @Test
    void aModelThatDoesNotFitTheWeightsIsOneLine() throws Exception {
        Path weights = tmp.resolve("w.safetensors");
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, ModelSpec.parse("linear(4,3)"), 5)) {
            Checkpoint.save(weights, net, cpu, Map.of());
        }
        Path onnx = tmp.resolve("w.onnx");
        CliRun run = CliRun.of("export", "--model", "linear(4,2)", "--weights", weights.toString(), "--onnx",
                onnx.toString());
        assertEquals(1, run.code(), run.err());
        assertTrue(run.err().startsWith("clnn: export: "), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(Files.exists(onnx));
    }

    /** Each row's softmax, as clnn reads a classifier's scores ({@link ClassScores}). */
    private static float[] softmaxRows(float[] y, int n) {
        int k = y.length / n;
        float[] p = new float[y.length];
        for (int i = 0; i < n; i++) {
            double[] row = ClassScores.softmax(y, i * k, k);
            for (int j = 0; j < k; j++) {
                p[i * k + j] = (float) row[j];
            }
        }
        return p;
    }
}
