package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import java.util.Arrays;

/**
 * The KL divergence of a classifier's logits against soft targets (distillation): PyTorch's
 * {@code KLDivLoss(reduction="batchmean")(log_softmax(logits, 1), p)} for F32 logits and probabilities p, both
 * (N, classes): loss = 1/N Σ p·(log p − log q) with log q = log_softmax(logits) row by row, p = 0 terms contributing
 * 0. It is {@link Backend#logSoftmaxForward} then {@link KlDivergence}'s ops; the gradient runs back through the same
 * two, dLogits = (rowsum(p)·softmax(logits) − p) / N. Saves log q and a reference to p.
 */
public final class SoftmaxKlDivergence implements Loss {
    private final Backend backend;
    private Tensor loss; // (1)
    private Tensor logQ; // (n, classes)
    private Tensor dLogQ; // (n, classes)
    private Tensor dLogits; // (n, classes)
    private Tensor p;

    public SoftmaxKlDivergence(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Tensor forward(Tensor logits, Tensor p) {
        int[] shape = logits.shape();
        if (shape.length != 2 || !Arrays.equals(shape, p.shape()) || logits.dtype() != DType.F32
                || p.dtype() != DType.F32 || logits.size() == 0) {
            throw new IllegalArgumentException("softmax kl divergence expects F32 logits and p of the same shape "
                    + "[N, classes] but got logits " + logits + " and p " + p);
        }
        this.p = p;
        loss = Buffers.reuse(backend, loss, DType.F32, new int[] {1});
        logQ = Buffers.reuse(backend, logQ, DType.F32, shape);
        backend.logSoftmaxForward(logQ, logits, shape[0], shape[1]);
        backend.klDivForward(loss, logQ, p, shape[0], shape[1]);
        return loss;
    }

    @Override
    public Tensor backward() {
        if (p == null) {
            throw new IllegalStateException("softmax kl divergence: backward called before forward");
        }
        int[] shape = p.shape();
        dLogQ = Buffers.reuse(backend, dLogQ, DType.F32, shape);
        dLogits = Buffers.reuse(backend, dLogits, DType.F32, shape);
        backend.klDivBackward(dLogQ, p, shape[0], shape[1]);
        backend.logSoftmaxBackward(dLogits, dLogQ, logQ, shape[0], shape[1]);
        return dLogits;
    }

    @Override
    public void close() {
        Buffers.close(loss, logQ, dLogQ, dLogits);
        loss = null;
        logQ = null;
        dLogQ = null;
        dLogits = null;
        p = null;
    }
}
