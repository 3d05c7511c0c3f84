package dev.clnn.optim;

import static dev.clnn.optim.LrAssertions.assertSchedule;

import org.junit.jupiter.api.Test;

/**
 * Our closed forms against the rates PyTorch's schedulers report for equal parameters.
 *
 * <p>The literals below were printed by PyTorch 1.13.1 (Debian bookworm package python3-torch 1.13.1+dfsg-4,
 * {@code torch.__version__ == "1.13.0a0"}), run as {@code OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 script.py}:
 * <pre>
 * import torch
 * from torch.optim import SGD
 * from torch.optim.lr_scheduler import StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR
 *
 * def record(make, steps):
 *     opt = SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
 *     sched = make(opt)
 *     lrs = []
 *     for t in range(steps + 1):
 *         lrs.append(opt.param_groups[0]['lr'])
 *         opt.step()
 *         sched.step()
 *     return lrs
 *
 * for name, make, steps in [
 *     ("StepLR", lambda o: StepLR(o, step_size=3, gamma=0.5), 12),
 *     ("MultiStepLR", lambda o: MultiStepLR(o, milestones=[2, 5], gamma=0.1), 12),
 *     ("ExponentialLR", lambda o: ExponentialLR(o, gamma=0.9), 12),
 *     ("CosineAnnealingLR", lambda o: CosineAnnealingLR(o, T_max=10, eta_min=0.001), 10),
 * ]:
 *     print(name)
 *     print(", ".join(repr(x) for x in record(make, steps)))
 * </pre>
 * Index t of each array is the rate used by optimiser step t.
 */
class LrSchedulePyTorchReferenceTest {

    // PyTorch 1.13 updates each rate recursively from the previous one; we use closed forms. For step, multi-step
    // and exponential, PyTorch rounds once per decay (≤ 12 here) and Math.pow is within 1 ulp, so the two differ
    // by at most ~15 roundings of 2^-53 ≈ 1.7e-15 relative. PyTorch's cosine recursion,
    // η_t = η_min + (η_{t−1} − η_min)·(1 + cos(πt/T))/(1 + cos(π(t−1)/T)), adds about six roundings per step over
    // 10 steps, and near T_max both subtraction from η_min and 1 + cos ≈ 0.05 amplify them by up to ~20×: a bound
    // near 60·20·1.1e-16 ≈ 1.3e-13. 1e-12 relative sits above both bounds yet far below any real formula slip
    // (an off-by-one step changes these rates by at least 2%). Measured worst case: 3.3e-16 (ExponentialLR, t = 12).
    private static final double TOL = 1e-12;

    @Test
    void stepMatchesPyTorchStepLr() {
        double[] torch = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.00625};
        assertSchedule(LrSchedule.step(0.1, 3, 0.5), torch, TOL);
    }

    @Test
    void multiStepMatchesPyTorchMultiStepLr() {
        double[] torch = {0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002,
            0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002,
            0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002};
        assertSchedule(LrSchedule.multiStep(0.1, new long[] {2, 5}, 0.1), torch, TOL);
    }

    @Test
    void exponentialMatchesPyTorchExponentialLr() {
        double[] torch = {0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002,
            0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024,
            0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012};
        assertSchedule(LrSchedule.exponential(0.1, 0.9), torch, TOL);
    }

    @Test
    void cosineMatchesPyTorchCosineAnnealingLrUpToTMax() {
        double[] torch = {0.1, 0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599,
            0.0505, 0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004, 0.001};
        assertSchedule(LrSchedule.cosine(0.1, 10, 0.001), torch, TOL);
    }
}
