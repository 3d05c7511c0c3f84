package dev.clnn.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A model architecture: the layers of a PyTorch {@code nn.Sequential}, parsed from a SPEC such as
 * {@code linear(784,512),relu,linear(512,10)} or one of the named models {@code mlp} and {@code cnn}.
 */
public record ModelSpec(List<LayerSpec> layers) {
    /** The default MLP: 784→512→256→10 with ReLU. */
    public static final String MLP = "linear(784,512),relu,linear(512,256),relu,linear(256,10)";
    /** The default CNN: two 3×3 convolutions with max and average pooling, then a linear classifier. */
    public static final String CNN = "conv(1,16,3,1,1),relu,maxpool(2),conv(16,32,3,1,1),relu,avgpool(2),flatten,"
            + "linear(1568,10)";

    public ModelSpec {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("model SPEC has no layers");
        }
    }

    /** Parses a SPEC or a named model; errors name the layer text and its position. */
    public static ModelSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty model SPEC; use mlp, cnn or layers like linear(784,10)");
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("mlp")) {
            s = MLP;
        } else if (s.equals("cnn")) {
            s = CNN;
        }
        List<LayerSpec> layers = new ArrayList<>();
        List<String> parts = splitTopLevel(s, spec);
        for (int i = 0; i < parts.size(); i++) {
            layers.add(parseLayer(parts.get(i).trim(), i));
        }
        return new ModelSpec(layers);
    }

    /** The SPEC text, with every default written out. */
    public String text() {
        return layers.stream().map(LayerSpec::text).collect(Collectors.joining(","));
    }

    private static List<String> splitTopLevel(String s, String original) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException("unbalanced ')' in model SPEC \"" + original + "\"");
                }
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced '(' in model SPEC \"" + original + "\"");
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static LayerSpec parseLayer(String text, int index) {
        int open = text.indexOf('(');
        String name = open < 0 ? text : text.substring(0, open).trim();
        if (name.equals("dropout")) {
            return parseDropout(text, open, index);
        }
        int[] args = open < 0 ? new int[0] : parseArgs(text, open, index);
        String where = "layer " + index + " \"" + text + "\"";
        return switch (name) {
            case "linear" -> {
                arity(where, args, 2, 2, "linear(in,out)");
                yield new LayerSpec.Linear(args[0], args[1]);
            }
            case "conv" -> {
                arity(where, args, 3, 5, "conv(cin,cout,k[,stride[,pad]])");
                yield new LayerSpec.Conv(args[0], args[1], args[2], args.length > 3 ? args[3] : 1,
                        args.length > 4 ? args[4] : 0);
            }
            case "maxpool", "avgpool" -> {
                arity(where, args, 1, 3, name + "(k[,stride[,pad]])");
                int k = args[0];
                int stride = args.length > 1 ? args[1] : k;
                int pad = args.length > 2 ? args[2] : 0;
                if (2 * pad > k) {
                    throw new IllegalArgumentException(where + ": padding " + pad + " must be at most half the "
                            + "window " + k + " (as in PyTorch)");
                }
                yield name.equals("maxpool") ? new LayerSpec.MaxPool(k, stride, pad)
                        : new LayerSpec.AvgPool(k, stride, pad);
            }
            case "batchnorm1d", "batchnorm2d" -> {
                arity(where, args, 1, 1, name + "(channels)");
                yield new LayerSpec.BatchNorm(args[0], name.equals("batchnorm2d"));
            }
            case "relu" -> {
                arity(where, args, 0, 0, "relu");
                yield new LayerSpec.Relu();
            }
            case "flatten" -> {
                arity(where, args, 0, 0, "flatten");
                yield new LayerSpec.Flatten();
            }
            default -> throw new IllegalArgumentException("unknown " + where + ": expected linear(in,out), relu, "
                    + "conv(cin,cout,k[,stride[,pad]]), maxpool(k[,stride[,pad]]), avgpool(k[,stride[,pad]]), "
                    + "dropout(p), batchnorm1d(features), batchnorm2d(channels) or flatten");
        };
    }

    /** dropout(p) with p a decimal in [0, 1); a bare dropout is PyTorch's default p = 0.5. */
    private static LayerSpec parseDropout(String text, int open, int index) {
        String where = "layer " + index + " \"" + text + "\"";
        if (open < 0) {
            return new LayerSpec.Dropout(0.5);
        }
        if (!text.endsWith(")")) {
            throw new IllegalArgumentException(where + " must end with ')'");
        }
        String inner = text.substring(open + 1, text.length() - 1).trim();
        double p;
        try {
            p = Double.parseDouble(inner);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": expected dropout(p) with one probability p in [0, 1)");
        }
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(where + ": p must be in [0, 1); p = 1 would zero every activation "
                    + "and leave no gradient");
        }
        return new LayerSpec.Dropout(p);
    }

    private static int[] parseArgs(String text, int open, int index) {
        if (!text.endsWith(")")) {
            throw new IllegalArgumentException("layer " + index + " \"" + text + "\" must end with ')'");
        }
        String inner = text.substring(open + 1, text.length() - 1).trim();
        if (inner.isEmpty()) {
            return new int[0];
        }
        String[] items = inner.split(",");
        int[] values = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            try {
                values[i] = Integer.parseInt(item);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer " + index + " \"" + text + "\": \"" + item
                        + "\" is not an integer");
            }
            boolean padding = i == items.length - 1 && items.length >= 3 && !text.startsWith("linear")
                    && !(text.startsWith("conv") && items.length == 3);
            int min = padding ? 0 : 1;
            if (values[i] < min) {
                throw new IllegalArgumentException("layer " + index + " \"" + text + "\": " + item + " must be "
                        + (min == 0 ? "≥ 0" : "positive"));
            }
        }
        return values;
    }

    private static void arity(String where, int[] args, int min, int max, String form) {
        if (args.length < min || args.length > max) {
            throw new IllegalArgumentException(where + " has " + args.length + " arguments; expected " + form);
        }
    }
}
