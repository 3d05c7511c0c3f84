package dev.clnn.backend;

import static dev.clnn.backend.DType.F32;
import static dev.clnn.backend.DType.I32;

/**
 * The argument checks of every {@link Backend} op, shared by both backends so they reject exactly the same inputs,
 * before anything is computed or enqueued.
 */
public final class OpChecks {
    private OpChecks() {
    }

    public static void fill(Tensor x, DType dtype) {
        Shapes.check("fill", "x", x, dtype, x == null ? 0 : x.size(), "the tensor");
    }

    public static void copy(Tensor dst, Tensor src) {
        Shapes.check("copy", "src", src, F32, src == null ? 0 : src.size(), "the tensor");
        Shapes.check("copy", "dst", dst, F32, src.size(), "src");
    }

    public static void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k) {
        Shapes.positive("gemm", "m", m);
        Shapes.positive("gemm", "n", n);
        Shapes.positive("gemm", "k", k);
        String op = "gemm" + (transA ? "T" : "N") + (transB ? "T" : "N");
        Shapes.check(op, "A", a, F32, (long) m * k, transA ? "(k, m) = (" + k + ", " + m + ")"
                : "(m, k) = (" + m + ", " + k + ")");
        Shapes.check(op, "B", b, F32, (long) k * n, transB ? "(n, k) = (" + n + ", " + k + ")"
                : "(k, n) = (" + k + ", " + n + ")");
        Shapes.check(op, "C", c, F32, (long) m * n, "(m, n) = (" + m + ", " + n + ")");
    }

    public static void bias(String op, Tensor y, Tensor b, int outer, int channels, int inner) {
        Shapes.positive(op, "outer", outer);
        Shapes.positive(op, "channels", channels);
        Shapes.positive(op, "inner", inner);
        Shapes.check(op, "bias", b, F32, channels, "channels = " + channels);
        Shapes.check(op, "activations", y, F32, (long) outer * channels * inner,
                "(outer, channels, inner) = (" + outer + ", " + channels + ", " + inner + ")");
    }

    /** dx, dy and the ReLU's output are (n, channels), db (channels); each op names its own. */
    public static void reluBias(String op, Tensor dx, Tensor db, Tensor dy, Tensor reluOutput, int n, int channels) {
        bias(op, dy, db, n, channels, 1);
        Shapes.check(op, "dx", dx, F32, (long) n * channels, "(n, channels) = (" + n + ", " + channels + ")");
        Shapes.check(op, "reluOutput", reluOutput, F32, (long) n * channels, "(n, channels) = (" + n + ", "
                + channels + ")");
    }

    /** An optional (null) F32 gradient of (n, classes), as softmaxXentForward writes it. */
    public static void gradient(String op, Tensor dLogits, int n, int classes) {
        if (dLogits != null) {
            Shapes.check(op, "dLogits", dLogits, F32, (long) n * classes, "(n, classes) = (" + n + ", " + classes
                    + ")");
        }
    }

    /** Checks float tensors of {@code count} elements; {@code names} lists them, comma-separated, in order. */
    public static void elementwise(String op, int count, String names, Tensor... tensors) {
        Shapes.positive(op, "count", count);
        String[] name = names.split(",");
        for (int i = 0; i < tensors.length; i++) {
            Shapes.check(op, name[i], tensors[i], F32, count, "count = " + count);
        }
    }

    public static void dropout(String op, int rows, int rowLength, String names, Tensor a, Tensor b,
            DropoutDraw draw) {
        Shapes.positive(op, "rows", rows);
        Shapes.positive(op, "rowLength", rowLength);
        if (draw == null) {
            throw new IllegalArgumentException(op + ": dropout draw is null");
        }
        if ((long) rows * rowLength > Integer.MAX_VALUE || (long) draw.firstRow() + rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + rows + " rows of " + rowLength + " from row "
                    + draw.firstRow() + " exceed the int range");
        }
        elementwise(op, rows * rowLength, names, a, b);
    }

    public static void pool(String op, Tensor y, Tensor x, Pool2d p) {
        if (p == null) {
            throw new IllegalArgumentException(op + ": pooling geometry is null");
        }
        Shapes.check(op, "input", x, F32, p.inputSize(), p.toString());
        Shapes.check(op, "output", y, F32, p.outputSize(), p.toString());
    }

    /** A pooling backward's optional fused-ReLU gate: absent, or shaped as the pool's input (avg) or output (max). */
    public static void reluGate(String op, Tensor gate, boolean isOutput, Pool2d p) {
        if (gate != null) {
            Shapes.check(op, isOutput ? "pool output (ReLU gate)" : "ReLU output", gate, F32,
                    isOutput ? p.outputSize() : p.inputSize(), p.toString());
        }
    }

    public static void argmax(String op, Tensor argmax, Pool2d p) {
        Shapes.check(op, "argmax", argmax, I32, p.outputSize(), p.toString());
    }

    /** Checks (n, classes) float matrices named in {@code names} and, when present, n int labels. */
    public static void rows(String op, Tensor labels, int n, int classes, String names, Tensor... matrices) {
        Shapes.positive(op, "n", n);
        Shapes.positive(op, "classes", classes);
        String[] name = names.split(",");
        for (int i = 0; i < matrices.length; i++) {
            Shapes.check(op, name[i], matrices[i], F32, (long) n * classes,
                    "(n, classes) = (" + n + ", " + classes + ")");
        }
        if (labels != null) {
            Shapes.check(op, "labels", labels, I32, n, "n = " + n);
        }
    }

    /**
     * Rejects the first label outside [0, classes), naming its index and value, e.g.
     * {@code softmaxXentForward: labels[5] = 10 is outside [0, 10)}. Both backends run it before computing
     * anything, so a bad label is an error on both rather than a NaN or a silently wrong count on one.
     */
    public static void labels(String op, int[] labels, int n, int classes) {
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(op + ": labels[" + i + "] = " + labels[i] + " is outside [0, "
                        + classes + ")");
            }
        }
    }

    public static void conv(String op, Tensor col, Tensor x, Conv2dShape s) {
        if (s == null) {
            throw new IllegalArgumentException(op + ": convolution geometry is null");
        }
        Shapes.check(op, "image", x, F32, s.inputSize(), s.toString());
        Shapes.check(op, "columns", col, F32, (long) s.patch() * s.columns(), "(cin·kh·kw, n·outH·outW) = ("
                + s.patch() + ", " + s.columns() + ") for " + s);
    }

    public static void convDirect(String op, Tensor y, Tensor x, Tensor weight, Tensor bias, Conv2dShape s) {
        if (s == null) {
            throw new IllegalArgumentException(op + ": convolution geometry is null");
        }
        if (!ConvAlgorithm.DIRECT.supports(s)) {
            throw new IllegalArgumentException(op + ": the direct convolution takes at most "
                    + ConvAlgorithm.DIRECT_MAX_PATCH + " taps (cin·kh·kw) but " + s + " has " + s.patch());
        }
        Shapes.check(op, "image", x, F32, s.inputSize(), s.toString());
        Shapes.check(op, "output", y, F32, s.outputSize(), s.toString());
        Shapes.check(op, "weight", weight, F32, (long) s.cout() * s.patch(), "(cout, cin, kh, kw) = (" + s.cout()
                + ", " + s.cin() + ", " + s.kh() + ", " + s.kw() + ")");
        Shapes.check(op, "bias", bias, F32, s.cout(), "cout = " + s.cout());
    }

    public static void swap(Tensor dst, Tensor src, int a, int b, int inner) {
        Shapes.positive("swapLeadingAxes", "a", a);
        Shapes.positive("swapLeadingAxes", "b", b);
        Shapes.positive("swapLeadingAxes", "inner", inner);
        String dims = "(a, b, inner) = (" + a + ", " + b + ", " + inner + ")";
        Shapes.check("swapLeadingAxes", "src", src, F32, (long) a * b * inner, dims);
        Shapes.check("swapLeadingAxes", "dst", dst, F32, (long) a * b * inner, dims);
    }

    public static void swapAddBias(Tensor dst, Tensor src, Tensor bias, int a, int b, int inner) {
        String op = "swapLeadingAxesAddBias";
        Shapes.positive(op, "a", a);
        Shapes.positive(op, "b", b);
        Shapes.positive(op, "inner", inner);
        String dims = "(a, b, inner) = (" + a + ", " + b + ", " + inner + ")";
        Shapes.check(op, "src", src, F32, (long) a * b * inner, dims);
        Shapes.check(op, "dst", dst, F32, (long) a * b * inner, dims);
        Shapes.check(op, "bias", bias, F32, a, "a = " + a);
    }

    public static void scalar(String op, Tensor loss, DType dtype) {
        Shapes.check(op, "result", loss, dtype, 1, "a scalar");
    }

    public static void sgd(Tensor param, Tensor momentumBuf, Tensor grad, int count, SgdHyper hyper) {
        if (hyper == null) {
            throw new IllegalArgumentException("sgdUpdate: hyper-parameters are null");
        }
        elementwise("sgdUpdate", count, "param,grad", param, grad);
        if (hyper.hasMomentum()) {
            Shapes.check("sgdUpdate", "momentum buffer", momentumBuf, F32, count, "count = " + count);
        }
    }

    public static void adam(Tensor param, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, Tensor grad, int count,
            AdamHyper hyper) {
        if (hyper == null) {
            throw new IllegalArgumentException("adamUpdate: hyper-parameters are null");
        }
        elementwise("adamUpdate", count, "param,exp_avg,exp_avg_sq,grad", param, expAvg, expAvgSq, grad);
        if (hyper.amsgrad()) {
            Shapes.check("adamUpdate", "max_exp_avg_sq", maxExpAvgSq, F32, count, "count = " + count);
        }
    }

    /** Batch normalisation: activations (n, channels, inner), the named per-channel tensors (channels each). */
    public static void batchNorm(String op, int n, int channels, int inner, String activationNames,
            Tensor[] activations, String channelNames, Tensor... perChannel) {
        Shapes.positive(op, "n", n);
        Shapes.positive(op, "channels", channels);
        Shapes.positive(op, "inner", inner);
        long count = (long) n * channels * inner;
        String[] an = activationNames.split(",");
        for (int i = 0; i < activations.length; i++) {
            Shapes.check(op, an[i], activations[i], F32, count, "(n, channels, inner) = (" + n + ", " + channels
                    + ", " + inner + ")");
        }
        String[] cn = channelNames.split(",");
        for (int i = 0; i < perChannel.length; i++) {
            Shapes.check(op, cn[i], perChannel[i], F32, channels, "channels = " + channels);
        }
    }

    /** Training-mode statistics need two values per channel: the unbiased variance divides by m − 1. */
    public static void batchNormTraining(String op, int n, int inner) {
        if ((long) n * inner < 2) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got n="
                    + n + ", inner=" + inner);
        }
    }
}
