package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import java.util.Arrays;

/**
 * PyTorch's {@code MSELoss()} (mean over every element): loss = 1/count Σ (pred − target)², for F32 pred and target of
 * the same shape. Saves references to both; dPred = 2 (pred − target) / count.
 */
public final class Mse implements Loss {
    private final Backend backend;
    private Tensor loss; // (1)
    private Tensor dPred; // same shape as pred
    private Tensor pred;
    private Tensor target;

    public Mse(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Tensor forward(Tensor pred, Tensor target) {
        if (!Arrays.equals(pred.shape(), target.shape()) || pred.dtype() != DType.F32
                || target.dtype() != DType.F32 || pred.size() == 0) {
            throw new IllegalArgumentException("mse expects F32 prediction and target of the same non-empty shape "
                    + "but got prediction " + pred + " and target " + target);
        }
        this.pred = pred;
        this.target = target;
        loss = Buffers.reuse(backend, loss, DType.F32, new int[] {1});
        backend.mseForward(loss, pred, target, pred.size());
        return loss;
    }

    @Override
    public Tensor backward() {
        if (pred == null) {
            throw new IllegalStateException("mse: backward called before forward");
        }
        dPred = Buffers.reuse(backend, dPred, DType.F32, pred.shape());
        backend.mseBackward(dPred, pred, target, pred.size());
        return dPred;
    }

    @Override
    public void close() {
        Buffers.close(loss, dPred);
        loss = null;
        dPred = null;
        pred = null;
        target = null;
    }
}
