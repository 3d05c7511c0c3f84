package dev.clnn.cli;

import dev.clnn.optim.AdamSettings;
import dev.clnn.optim.OptimizerKind;
import picocli.CommandLine.Option;

/**
 * The choice of optimiser and Adam's own options, one picocli mixin for {@code clnn train} and {@code clnn step}.
 * Values are kept as given (null when not given, meaning PyTorch's default) so that {@code --resume} can fill them.
 */
final class OptimizerOptions {
    @Option(names = "--optimizer", paramLabel = "sgd|adam|adamw", description = "SGD (with --momentum, --nesterov),"
            + " Adam (L2 --weight-decay) or AdamW (decoupled --weight-decay), as torch.optim (default: sgd)")
    String optimizer;
    @Option(names = "--betas", paramLabel = "B1,B2", description = "Adam's moment decays (default: 0.9,0.999)")
    String betas;
    @Option(names = "--eps", paramLabel = "E", description = "Adam's ε, added after the square root"
            + " (default: 1e-8)")
    String eps;
    @Option(names = "--amsgrad", description = "Adam with the running maximum of the second moment")
    boolean amsgrad;

    /** @throws IllegalArgumentException for a name other than sgd, adam or adamw */
    OptimizerKind kind() {
        return optimizer == null ? OptimizerKind.SGD : OptimizerKind.parse(optimizer);
    }

    /** @throws IllegalArgumentException naming --betas or --eps */
    AdamSettings adam() {
        AdamSettings d = AdamSettings.DEFAULTS;
        double beta1 = d.beta1();
        double beta2 = d.beta2();
        if (betas != null) {
            String[] two = betas.split(",", -1);
            if (two.length != 2) {
                throw new IllegalArgumentException("--betas takes B1,B2, got \"" + betas + "\"");
            }
            beta1 = OptionValues.nonNegative("--betas", two[0].trim());
            beta2 = OptionValues.nonNegative("--betas", two[1].trim());
        }
        return new AdamSettings(beta1, beta2, eps == null ? d.eps() : OptionValues.nonNegative("--eps", eps),
                amsgrad);
    }

    /**
     * Refuses the options of the optimiser not chosen, in one line.
     *
     * @param momentumGiven whether --momentum was given on the command line
     */
    void requireMatching(boolean momentumGiven, boolean nesterov) {
        OptimizerKind kind = kind();
        if (kind != OptimizerKind.SGD && (momentumGiven || nesterov)) {
            throw new IllegalArgumentException((momentumGiven ? "--momentum" : "--nesterov") + " is an SGD option;"
                    + " --optimizer " + kind.text() + " takes --betas, --eps and --amsgrad");
        }
        if (kind == OptimizerKind.SGD && (betas != null || eps != null || amsgrad)) {
            throw new IllegalArgumentException((betas != null ? "--betas" : eps != null ? "--eps" : "--amsgrad")
                    + " is an Adam option; give --optimizer adam or adamw");
        }
    }
}
