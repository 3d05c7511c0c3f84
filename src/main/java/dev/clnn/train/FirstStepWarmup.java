package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.OpenClBackend;
import dev.clnn.backend.ProfiledBackend;
import dev.clnn.backend.Tensor;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import dev.clnn.model.FirstStepKernels;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import java.lang.System.Logger.Level;

/**
 * Spreads the code generation of the first training step over two cores on a driver that compiles each kernel at
 * its first launch (POCL on a CPU: 0.1-0.2 s per kernel, 15-25 kernels in a first step). A second thread opens a dry-run context on
 * the same device ({@link OpenClBackend#openDryRun}), runs the same model's first step there with the same shapes
 * and optimiser (which records its launches without running them), then runs each recorded launch once from the
 * last to the first. The real step compiles from the first kernel on, the dry run from the last back, and each
 * finds in POCL's kernel cache what the other compiled, so the two halves use two cores. The dry run shares nothing
 * with the real run but the driver's cache, so it cannot change a result; if it fails, only time is lost.
 */
final class FirstStepWarmup implements AutoCloseable {
    /**
     * {@code -Dclnn.firstStepWarmup=true} turns the dry run on. Off by default: on the shared 2-core machine it was
     * built on, with no idle core, it bought nothing measurable (README, start-up); it is meant for idle cores.
     */
    static final String PROPERTY = "clnn.firstStepWarmup";
    private static final System.Logger LOG = System.getLogger("dev.clnn");

    private final Thread thread; // null when there is nothing to warm up

    private FirstStepWarmup(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts the dry run when {@code backend} is an OpenCL device with two or more compute units whose driver
     * generates code at first launch and the system property {@value #PROPERTY} is true; otherwise does nothing.
     *
     * @param sample the shape of one input sample, e.g. {1, 28, 28}
     * @param rows   the rows of the first batch
     */
    static FirstStepWarmup start(Backend backend, TrainOptions options, int[] sample, int rows) {
        Backend inner = backend instanceof ProfiledBackend profiled ? profiled.inner() : backend;
        // With one core the two halves would only take turns, and the dry run's own set-up would be pure cost.
        if (!Boolean.getBoolean(PROPERTY)
                || !(inner instanceof OpenClBackend opencl)
                || !ClDevice.generatesCodeAtFirstLaunch(opencl.device().info())
                || opencl.device().info().computeUnits() < 2) {
            return new FirstStepWarmup(null);
        }
        DeviceInfo info = opencl.device().info();
        Thread thread = new Thread(() -> {
            try {
                dryRun(info, options, sample, rows);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "first-step warm-up on " + info.name() + " failed (costs only time): " + e);
            }
        }, "clnn first-step warm-up");
        thread.setDaemon(true);
        thread.start();
        return new FirstStepWarmup(thread);
    }

    /** Records the first step of {@code options}' model on a dry-run context of {@code info}, then replays it. */
    static void dryRun(DeviceInfo info, TrainOptions options, int[] sample, int rows) {
        try (OpenClBackend dry = OpenClBackend.openDryRun(info, FirstStepKernels.of(options.model()));
                Sequential model = Models.build(dry, options.model(), options.seed());
                SoftmaxCrossEntropy xent = new SoftmaxCrossEntropy(dry);
                Sgd sgd = new Sgd(dry, model.params(), LrSchedule.constant(options.lr()), options.momentum(), 0f,
                        options.weightDecay(), options.nesterov());
                Tensor x = dry.empty(DType.F32, Models.batchShape(rows, sample));
                Tensor labels = dry.fromArray(new int[rows], rows)) { // checked on the host: must be valid
            // The same calls as a Trainer step, so the same kernels, shapes and work-group sizes are recorded.
            xent.forward(model.forward(x), labels);
            model.zeroGrad();
            model.backwardParametersOnly(xent.backward());
            sgd.step();
            dry.device().runRecordedLaunchesReversed();
        }
    }

    /** Waits for the dry run, so the process never exits while the driver compiles on its thread. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
