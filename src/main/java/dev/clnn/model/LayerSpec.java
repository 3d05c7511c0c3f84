package dev.clnn.model;

/**
 * One layer of a model SPEC, as written on the command line. Semantics are PyTorch's: {@code linear(in,out)} is
 * {@code nn.Linear}, {@code conv(cin,cout,k[,stride[,pad]])} is {@code nn.Conv2d} (stride 1, pad 0 by default),
 * {@code maxpool(k[,stride[,pad]])} / {@code avgpool(...)} are {@code nn.MaxPool2d} / {@code nn.AvgPool2d} (stride k by
 * default), {@code relu} and {@code flatten} are {@code nn.ReLU} and {@code nn.Flatten}, {@code dropout(p)} is
 * {@code nn.Dropout(p)} (p = 0.5 by default), {@code batchnorm1d(features)} / {@code batchnorm2d(channels)} are
 * {@code nn.BatchNorm1d} / {@code nn.BatchNorm2d} with their defaults.
 */
public sealed interface LayerSpec {

    /** The SPEC text of this layer. */
    String text();

    record Linear(int in, int out) implements LayerSpec {
        public String text() {
            return "linear(" + in + "," + out + ")";
        }
    }

    record Conv(int cin, int cout, int k, int stride, int pad) implements LayerSpec {
        public String text() {
            return "conv(" + cin + "," + cout + "," + k + "," + stride + "," + pad + ")";
        }
    }

    record MaxPool(int k, int stride, int pad) implements LayerSpec {
        public String text() {
            return "maxpool(" + k + "," + stride + "," + pad + ")";
        }
    }

    record AvgPool(int k, int stride, int pad) implements LayerSpec {
        public String text() {
            return "avgpool(" + k + "," + stride + "," + pad + ")";
        }
    }

    /** {@code batchnorm1d(features)} ({@code spatial} false) or {@code batchnorm2d(channels)}: nn.BatchNorm1d/2d. */
    record BatchNorm(int channels, boolean spatial) implements LayerSpec {
        public String text() {
            return (spatial ? "batchnorm2d(" : "batchnorm1d(") + channels + ")";
        }
    }

    record Relu() implements LayerSpec {
        public String text() {
            return "relu";
        }
    }

    /** Zeroes each element with probability p in training mode; p in [0, 1). */
    record Dropout(double p) implements LayerSpec {
        public String text() {
            return "dropout(" + p + ")";
        }
    }

    record Flatten() implements LayerSpec {
        public String text() {
            return "flatten";
        }
    }
}
