package dev.clnn.backend.opencl;

import dev.clnn.backend.OpFamily;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.ProgramSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The programs a backend builds in the background as soon as it opens: those every classifier's first training
 * step needs, in the order it needs them (the products, bias, the loss, the
 * optimiser), then those of the model's own layers when the caller names them (convolution, pooling). Only the
 * GEMM kernels this device's tuning launches are included, gemm_blocked.cl once per distinct configuration of its
 * classes of shape (tuning keeps them few): which classes a first step uses depends on the model, and a
 * configuration built late costs the step more than one built early. Nothing else is: POCL compiles one program or
 * kernel at a time per context, so a program built here that the step does not use (pooling for an MLP) delays the
 * code generation of every kernel the step launches after it. The others are built when first used.
 */
final class StartupPrograms {
    private static final List<Kernels> FIRST_USE = List.of(Kernels.GEMM_BLOCKED, Kernels.GEMM_GPU,
            Kernels.BIAS_ADD_FORWARD, Kernels.SOFTMAX_XENT_FORWARD,
            Kernels.SGD_UPDATE);

    private StartupPrograms() {
    }

    /**
     * The kernels of the op families a model's first step launches beyond the common ones: one kernel per file is
     * enough, since programs are built per file (convolution covers both of its algorithms).
     */
    static Set<Kernels> kernelsOf(Set<OpFamily> families) {
        Set<Kernels> kernels = EnumSet.noneOf(Kernels.class);
        for (OpFamily family : families) {
            kernels.addAll(switch (family) {
                case RELU -> Set.of(Kernels.RELU_FORWARD);
                case CONV -> Set.of(Kernels.IM2COL, Kernels.SWAP_LEADING_AXES, Kernels.COL2IM,
                        Kernels.CONV_DIRECT_FORWARD);
                case MAX_POOL -> Set.of(Kernels.MAX_POOL_FORWARD_2X2, Kernels.MAX_POOL_BACKWARD_SCATTER);
                case AVG_POOL -> Set.of(Kernels.AVG_POOL_FORWARD_2X2, Kernels.AVG_POOL_BACKWARD_SCATTER);
                case DROPOUT -> Set.of(Kernels.DROPOUT_FORWARD);
                case BATCH_NORM -> Set.of(Kernels.BATCH_NORM_FORWARD);
            });
        }
        return kernels;
    }

    /**
     * The distinct (file, options) pairs to build for {@code tuning}, first needed first.
     *
     * @param model the kernels the model's layers launch beyond the common ones (e.g. im2col); may be empty
     */
    static List<ProgramSpec> inOrderOfFirstUse(KernelTuning tuning, Set<Kernels> model) {
        Set<ProgramSpec> specs = new LinkedHashSet<>();
        List<Kernels> wanted = new ArrayList<>(FIRST_USE);
        wanted.addAll(model);
        for (Kernels k : wanted) {
            boolean blocked = k.file() == KernelFile.GEMM_BLOCKED;
            boolean gpu = k.file() == KernelFile.GEMM_GPU;
            if ((blocked && !tuning.blockedGemm()) || (gpu && tuning.blockedGemm())) {
                continue;
            }
            if (blocked) {
                for (GemmConfig config : tuning.gemm().distinct()) {
                    specs.add(new ProgramSpec(k.file().fileName(), k.buildOptions(tuning, config)));
                }
                continue;
            }
            specs.add(new ProgramSpec(k.file().fileName(), k.buildOptions(tuning)));
        }
        return List.copyOf(specs);
    }
}
