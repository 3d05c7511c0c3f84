package dev.clnn.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.clnn.backend.Backend;
import dev.clnn.data.Standardization;
import dev.clnn.nn.AvgPool2d;
import dev.clnn.nn.BatchNorm;
import dev.clnn.nn.Conv2d;
import dev.clnn.nn.Dropout;
import dev.clnn.nn.Flatten;
import dev.clnn.nn.Layer;
import dev.clnn.nn.Linear;
import dev.clnn.nn.MaxPool2d;
import dev.clnn.nn.Param;
import dev.clnn.nn.ReLU;
import dev.clnn.nn.Sequential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The ONNX graph of a model, built with ONNX's generated protobuf classes (see {@link Onnx}). */
final class OnnxGraph {
    // IR version 7 is the one that goes with opset 13.
    private static final long IR_VERSION = 7;

    private final Backend backend;
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("clnn");
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private String current = "input";

    private OnnxGraph(Backend backend) {
        this.backend = backend;
    }

    static ModelProto build(Sequential model, Backend backend, int[] sampleShape, Onnx.Options options) {
        // Checks every layer against the input first, so a mismatch names the layer that rejects it.
        int[] outShape = model.outputShape(batch(1, sampleShape));
        OnnxGraph g = new OnnxGraph(backend);
        g.graph.addInput(valueInfo("input", sampleShape));
        if (options.standardization() != null) {
            g.standardize(options.standardization(), sampleShape);
        }
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            g.layer(i, layers.get(i));
        }
        int[] outSample = Arrays.copyOfRange(outShape, 1, outShape.length);
        String output = options.probabilities() ? "probabilities" : "output";
        if (options.probabilities()) {
            g.node("Softmax", "softmax").addAttribute(integer("axis", 1));
        }
        g.finish(output);
        g.graph.addOutput(valueInfo(output, outSample));
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("clnn")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(Onnx.OPSET))
                .setGraph(g.graph).build();
    }

    private void standardize(Standardization s, int[] sampleShape) {
        int features = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        if (s.features() != features) {
            throw new IllegalArgumentException("the standardization has " + s.features() + " features, the model's"
                    + " input " + Arrays.toString(sampleShape) + " has " + features);
        }
        // Shaped as one sample, they broadcast over the batch.
        graph.addInitializer(floats(Standardization.MEAN, s.mean(), sampleShape));
        graph.addInitializer(floats(Standardization.STD, s.std(), sampleShape));
        node("Sub", "standardize.sub", Standardization.MEAN);
        node("Div", "standardize.div", Standardization.STD);
    }

    private void layer(int i, Layer layer) {
        if (layer instanceof Linear l) {
            node("Gemm", i + ".gemm", param(i, l.weight()), param(i, l.bias())).addAttribute(integer("transB", 1));
        } else if (layer instanceof Conv2d c) {
            node("Conv", i + ".conv", param(i, c.weight()), param(i, c.bias()))
                    .addAttribute(ints("kernel_shape", c.kernelSize(), c.kernelSize()))
                    .addAttribute(ints("strides", c.stride(), c.stride()))
                    .addAttribute(ints("pads", c.padding(), c.padding(), c.padding(), c.padding()));
        } else if (layer instanceof ReLU) {
            // A fused ReLU is still a ReLU: its neighbour applies it inside clnn, the graph needs it explicitly.
            node("Relu", i + ".relu");
        } else if (layer instanceof MaxPool2d p) {
            pool(node("MaxPool", i + ".maxpool"), p.kernelSize(), p.stride(), p.padding());
        } else if (layer instanceof AvgPool2d p) {
            // clnn and PyTorch divide by the whole window, padding included.
            pool(node("AveragePool", i + ".avgpool"), p.kernelSize(), p.stride(), p.padding())
                    .addAttribute(integer("count_include_pad", 1));
        } else if (layer instanceof Flatten) {
            node("Flatten", i + ".flatten").addAttribute(integer("axis", 1));
        } else if (layer instanceof BatchNorm b) {
            String mean = i + "." + b.runningMean().name();
            String var = i + "." + b.runningVar().name();
            graph.addInitializer(floats(mean, b.runningMean().readFloats(), b.runningMean().shape()));
            graph.addInitializer(floats(var, b.runningVar().readFloats(), b.runningVar().shape()));
            node("BatchNormalization", i + ".batchnorm", param(i, b.weight()), param(i, b.bias()), mean, var)
                    .addAttribute(AttributeProto.newBuilder().setName("epsilon")
                            .setType(AttributeProto.AttributeType.FLOAT).setF(BatchNorm.EPS));
        } else if (!(layer instanceof Dropout)) {
            // Dropout is the identity in eval mode, so it has no node; anything else has no operator here.
            throw new IllegalArgumentException("ONNX export cannot express layer " + i + ", " + layer);
        }
    }

    private static NodeProto.Builder pool(NodeProto.Builder node, int k, int stride, int pad) {
        // ceil_mode 0: clnn's output size rounds down, as PyTorch's default.
        return node.addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", stride, stride))
                .addAttribute(ints("pads", pad, pad, pad, pad)).addAttribute(integer("ceil_mode", 0));
    }

    /** A node reading the current value and {@code inputs}; its output becomes the current value. */
    private NodeProto.Builder node(String op, String name, String... inputs) {
        String output = name + ".out";
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addInput(current)
                .addAllInput(Arrays.asList(inputs)).addOutput(output);
        nodes.add(node);
        current = output;
        return node;
    }

    /** Names the last value {@code output}; a model of dropout alone gets an Identity. */
    private void finish(String output) {
        if (nodes.isEmpty()) {
            node("Identity", "identity");
        }
        nodes.get(nodes.size() - 1).setOutput(0, output);
        nodes.forEach(graph::addNode);
    }

    /** Adds the parameter as an initializer under its state-dict name and returns that name. */
    private String param(int layer, Param p) {
        String name = layer + "." + p.name();
        graph.addInitializer(floats(name, backend.readFloats(p.value()), p.shape()));
        return name;
    }

    private static TensorProto floats(String name, float[] values, int[] shape) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (int d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A float tensor [N, sample...] with N left to the caller. */
    private static ValueInfoProto valueInfo(String name, int[] sample) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : sample) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private static int[] batch(int n, int[] sample) {
        int[] shape = new int[sample.length + 1];
        shape[0] = n;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return shape;
    }
}
