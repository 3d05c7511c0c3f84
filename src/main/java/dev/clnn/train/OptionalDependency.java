package dev.clnn.train;

/**
 * The libraries that clnn's pom marks optional: the command line ships them, a project that depends on clnn gets
 * them only by asking. Training and saving need neither; each feature that does checks for its library here, so its
 * absence is a clear message (or a plainer display), never a {@link NoClassDefFoundError} halfway through a run.
 */
enum OptionalDependency {
    /** Plots (TrainOptions.plot). */
    XCHART("org.knowm.xchart:xchart", "org.knowm.xchart.XYChart"),
    /** The progress bar on a terminal; progressbar draws through jline. */
    PROGRESSBAR("me.tongfei:progressbar", "me.tongfei.progressbar.ProgressBar", "org.jline.terminal.TerminalBuilder");

    private final String artifact;
    private final String[] classes;

    OptionalDependency(String artifact, String... classes) {
        this.artifact = artifact;
        this.classes = classes;
    }

    /** Whether every class the feature needs can be loaded (without initialising any). */
    boolean present() {
        for (String name : classes) {
            try {
                Class.forName(name, false, OptionalDependency.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param feature what needs the library, e.g. "a plot (TrainOptions.plot)"
     * @throws IllegalStateException naming the missing library, when it is absent
     */
    void require(String feature) {
        if (!present()) {
            throw new IllegalStateException(feature + " needs " + artifact + " on the class path, an optional"
                    + " dependency of dev.clnn:clnn: add it to your project, or do without " + feature);
        }
    }
}
