package dev.clnn.tune;

import java.nio.file.Path;

/**
 * What the tuner tests share: a tuning store in a temporary folder (and other properties set for one test, put back
 * after it). Their {@code clnn} commands run in-process through {@link dev.clnn.cli.CliRun}.
 */
final class TuneTestSupport {
    static final String TUNING_DIR_PROPERTY = "clnn.tuningDir";

    private TuneTestSupport() {
    }

    /** Points the tuning store at {@code dir}; returns the property's previous value for {@link #restore}. */
    static String useTuningDir(Path dir) {
        return swap(TUNING_DIR_PROPERTY, dir.toString());
    }

    /** Sets a system property; returns its previous value (null if unset) for {@link #restore}. */
    static String swap(String property, String value) {
        String previous = System.getProperty(property);
        System.setProperty(property, value);
        return previous;
    }

    /** Puts a property back as {@link #swap} found it. */
    static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }
}
