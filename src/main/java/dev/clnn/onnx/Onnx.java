package dev.clnn.onnx;

import dev.clnn.backend.Backend;
import dev.clnn.data.AtomicFiles;
import dev.clnn.data.Standardization;
import dev.clnn.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a model as an ONNX file (opset {@value #OPSET}): input {@code input} [N, sample...] with a dynamic batch
 * dimension N, output {@code output} (the logits) or {@code probabilities} (a Softmax over axis 1 appended). Each layer
 * becomes its ONNX operator: Linear → Gemm (transB = 1), Conv2d → Conv, ReLU → Relu (also where clnn fuses it into a
 * neighbour), MaxPool2d → MaxPool, AvgPool2d → AveragePool (count_include_pad = 1), Flatten → Flatten (axis 1),
 * BatchNorm → BatchNormalization (running statistics, eps 1e-5); Dropout is left out, as in eval mode. A
 * {@link Standardization} becomes Sub and Div in front of the first layer.
 *
 * <p>Needs {@code org.tribuo:tribuo-util-onnx} (ONNX's protobuf classes) on the class path, an optional dependency of
 * dev.clnn:clnn.
 */
public final class Onnx {
    /** The ONNX operator set the graph is written in. */
    public static final int OPSET = 13;

    private static final String ARTIFACT = "org.tribuo:tribuo-util-onnx";

    private Onnx() {
    }

    /**
     * What to add around the model.
     *
     * @param probabilities append a Softmax over axis 1 and name the output {@code probabilities}
     * @param standardization subtract its mean and divide by its std before the first layer, or null
     */
    public record Options(boolean probabilities, Standardization standardization) {
        /** The logits of the model alone. */
        public static Options logits() {
            return new Options(false, null);
        }

        public Options withProbabilities() {
            return new Options(true, standardization);
        }

        public Options with(Standardization s) {
            return new Options(probabilities, s);
        }
    }

    /** As {@link #export(Sequential, Backend, int[], Path, Options)} with {@link Options#logits()}. */
    public static void export(Sequential model, Backend backend, int[] sampleShape, Path out) throws IOException {
        export(model, backend, sampleShape, out, Options.logits());
    }

    /**
     * Writes {@code model}, its parameters and batch-norm statistics read from {@code backend}, to {@code out}
     * atomically.
     *
     * @param sampleShape one sample's shape as the model takes it, e.g. [784] or [1, 28, 28]
     * @throws IllegalArgumentException naming the layer, for a layer ONNX export cannot express or a shape the model
     *     rejects
     * @throws IllegalStateException when ONNX's protobuf classes are not on the class path
     */
    public static void export(Sequential model, Backend backend, int[] sampleShape, Path out, Options options)
            throws IOException {
        byte[] bytes = toBytes(model, backend, sampleShape, options);
        AtomicFiles.write(out, stream -> stream.write(bytes));
    }

    /** The serialized ONNX model, as {@link #export} writes it. */
    public static byte[] toBytes(Sequential model, Backend backend, int[] sampleShape, Options options) {
        requireProtobufClasses();
        return OnnxGraph.build(model, backend, sampleShape, options).toByteArray();
    }

    // OnnxGraph names the protobuf classes; checking first turns a NoClassDefFoundError into a plain message.
    private static void requireProtobufClasses() {
        try {
            Class.forName("ai.onnx.proto.OnnxMl", false, Onnx.class.getClassLoader());
            Class.forName("com.google.protobuf.ByteString", false, Onnx.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("ONNX export needs " + ARTIFACT + " on the class path, an optional"
                    + " dependency of dev.clnn:clnn: add it to your project");
        }
    }
}
