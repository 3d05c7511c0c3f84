package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import java.util.Arrays;

/**
 * PyTorch's {@code KLDivLoss(reduction="batchmean")}: the input is log-probabilities log q, the target probabilities
 * p, both F32 (N, ...) of the same shape; loss = 1/N Σ p·(log p − log q), with p = 0 terms contributing 0. Saves a
 * reference to p; dLogQ = −p / N.
 */
public final class KlDivergence implements Loss {
    private final Backend backend;
    private Tensor loss; // (1)
    private Tensor dLogQ; // same shape as logQ
    private Tensor p;

    public KlDivergence(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Tensor forward(Tensor logQ, Tensor p) {
        if (!Arrays.equals(logQ.shape(), p.shape()) || logQ.dtype() != DType.F32 || p.dtype() != DType.F32
                || logQ.rank() == 0 || logQ.size() == 0) {
            throw new IllegalArgumentException("kl divergence expects F32 log q and p of the same shape [N, ...] but "
                    + "got log q " + logQ + " and p " + p);
        }
        this.p = p;
        loss = Buffers.reuse(backend, loss, DType.F32, new int[] {1});
        int n = logQ.dim(0);
        backend.klDivForward(loss, logQ, p, n, logQ.size() / n);
        return loss;
    }

    @Override
    public Tensor backward() {
        if (p == null) {
            throw new IllegalStateException("kl divergence: backward called before forward");
        }
        dLogQ = Buffers.reuse(backend, dLogQ, DType.F32, p.shape());
        int n = p.dim(0);
        backend.klDivBackward(dLogQ, p, n, p.size() / n);
        return dLogQ;
    }

    @Override
    public void close() {
        Buffers.close(loss, dLogQ);
        loss = null;
        dLogQ = null;
        p = null;
    }
}
