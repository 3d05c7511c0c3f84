package dev.clnn.cli;

import dev.clnn.data.DataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that say where a run's data is and how to read it ({@code --data} and those describing a table), one
 * set for {@code train}, {@code eval} and {@code clnn-spark train}: a picocli mixin. Values are kept as given, so that
 * {@code --resume} can fill in those not given again.
 */
public final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR|FILE", description = "a folder of MNIST IDX files (gzip or raw), a"
            + " .csv with a header, a .npz or .safetensors holding x and y, or a folder holding x.npy and y.npy"
            + " (default: the bundled MNIST set)")
    String data;
    @Option(names = "--format", paramLabel = "FORMAT", description = "idx, csv, npy, npz, safetensors or parquet"
            + " (clnn-spark only), when --data's name does not say")
    String format;
    @Option(names = "--label", paramLabel = "COLUMN", description = "the CSV column of class labels (integers, or"
            + " strings taken in sorted order)")
    String label;
    @Option(names = "--target", paramLabel = "COL[,COL…]", description = "the CSV columns of float targets: values"
            + " to regress (--loss mse), or one probability per class (--loss kl)")
    String target;
    @Option(names = "--features", paramLabel = "COL[,COL…]", description = "the CSV feature columns, in input order"
            + " (default: every other column)")
    String features;
    @Option(names = "--test", paramLabel = "FILE", description = "a second table of the same form to test on"
            + " (default: a seeded split of --data)")
    String test;
    @Option(names = "--test-fraction", paramLabel = "F", description = "the share of --data's rows held out to test"
            + " on when there is no --test, stratified by class (default: ${DEFAULT-VALUE})")
    String testFraction;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * Where the data comes from and how to read it.
     *
     * @param standardize whether to standardize the features with the training rows' statistics (train's choice)
     * @throws IllegalArgumentException naming the option whose value is not allowed
     */
    public DataSource source(boolean standardize) {
        double fraction = testFraction == null ? DataSource.DEFAULT_TEST_FRACTION
                : OptionValues.nonNegative("--test-fraction", testFraction);
        if (test != null && testFraction != null && given("--test-fraction")) {
            throw new IllegalArgumentException("--test " + test + " with --test-fraction " + testFraction
                    + ": the test rows come from one or the other");
        }
        return new DataSource(OptionValues.path(data), format, label, OptionValues.names("--target", target),
                OptionValues.names("--features", features), OptionValues.path(test), fraction, standardize);
    }

    private boolean given(String option) {
        return mixee != null && mixee.commandLine().getParseResult().hasMatchedOption(option);
    }
}
