package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;

/**
 * PyTorch's {@code CrossEntropyLoss()} (mean over the batch) on logits (N, classes) and I32 class indices (N):
 * loss = −1/N Σ log softmax(logits)[i, label_i]. Saves the softmax probabilities; dLogits = (probs − onehot) / N,
 * computed by the forward pass's own kernel (one launch per step fewer, {@link Backend#softmaxXentForward}) and
 * handed out by {@link #backward}.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private final Backend backend;
    private Tensor loss; // (1)
    private Tensor probs; // (n, classes)
    private Tensor dLogits; // (n, classes)

    public SoftmaxCrossEntropy(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Tensor forward(Tensor logits, Tensor labels) {
        int[] shape = logits.shape();
        if (shape.length != 2 || labels.rank() != 1 || labels.dim(0) != shape[0] || labels.dtype() != DType.I32
                || logits.dtype() != DType.F32) {
            throw new IllegalArgumentException("softmax cross-entropy expects F32 logits [N, classes] and I32 labels "
                    + "[N] but got logits " + logits + " and labels " + labels);
        }
        loss = Buffers.reuse(backend, loss, DType.F32, new int[] {1});
        probs = Buffers.reuse(backend, probs, DType.F32, shape);
        dLogits = Buffers.reuse(backend, dLogits, DType.F32, shape);
        backend.softmaxXentForward(loss, probs, dLogits, logits, labels, shape[0], shape[1]);
        return loss;
    }

    @Override
    public Tensor backward() {
        if (probs == null) {
            throw new IllegalStateException("softmax cross-entropy: backward called before forward");
        }
        return dLogits;
    }

    /** The probabilities of the last forward pass, (N, classes). */
    public Tensor probs() {
        return probs;
    }

    @Override
    public void close() {
        Buffers.close(loss, probs, dLogits);
        loss = null;
        probs = null;
        dLogits = null;
    }
}
