package dev.clnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.Standardization;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's "Export, then serve" Java lines compile, run on an exported model, and are this file's lines. */
class ReadmeServeExampleTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/clnn/onnx/ReadmeServeExampleTest.java");

    @TempDir
    Path tmp;

    @Test
    void theReadmeLinesServeAnExportedModel() throws IOException, OrtException {
        Path iris = tmp.resolve("iris.onnx");
        Standardization s = new Standardization(new float[] {5.8f, 3.0f, 3.8f, 1.2f},
                new float[] {0.83f, 0.44f, 1.77f, 0.76f});
        float[] logits;
        try (Backend cpu = new CpuBackend();
                Sequential net = Models.build(cpu, ModelSpec.parse("linear(4,16),relu,linear(16,3)"), 2)) {
            net.eval();
            Onnx.export(net, cpu, new int[] {4}, iris, Onnx.Options.logits().with(s).withProbabilities());
            try (Tensor x = cpu.fromArray(s.apply(new float[] {5.1f, 3.5f, 1.4f, 0.2f}), 1, 4)) {
                logits = cpu.readFloats(net.forward(x));
            }
        }
        // --- serve starts ---
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(iris.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, new float[][] {{5.1f, 3.5f, 1.4f, 0.2f}});
                OrtSession.Result result = session.run(Map.of("input", x))) {
            float[][] p = (float[][]) result.get("probabilities").orElseThrow().getValue();
            // --- serve ends ---
            double sum = Math.exp(logits[0]) + Math.exp(logits[1]) + Math.exp(logits[2]);
            for (int k = 0; k < 3; k++) {
                assertEquals(Math.exp(logits[k]) / sum, p[0][k], 1e-6);
            }
        }
    }

    @Test
    void theReadmeShowsTheseLines() throws IOException {
        Matcher kept = Pattern.compile("// --- serve starts ---\n(.*?)\n\\s*// --- serve ends ---", Pattern.DOTALL)
                .matcher(Files.readString(SOURCE));
        assertTrue(kept.find());
        String shown = kept.group(1).replaceAll("(?m)^ {8}", "").replace("iris.toString()", "\"iris.onnx\"") + "\n}";
        assertTrue(Files.readString(Path.of("README.md")).contains("```java\n" + shown + "\n```"),
                "README.md does not show:\n" + shown);
    }
}
