package dev.clnn.tune;

import dev.clnn.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What the tuner tests share: a tuning store in a temporary folder, and {@code clnn} commands run in-process. */
final class TuneTestSupport {
    static final String TUNING_DIR_PROPERTY = "clnn.tuningDir";

    private TuneTestSupport() {
    }

    /** What a {@code clnn} command run in-process printed and returned. */
    record Run(int code, String out, String err) {
    }

    static Run clnn(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
