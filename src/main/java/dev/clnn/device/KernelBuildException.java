package dev.clnn.device;

/** A kernel file failed to compile; carries the file, the build options and the whole build log. */
public final class KernelBuildException extends DeviceException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final String options;
    private final String buildLog;

    public KernelBuildException(String file, String options, String device, String buildLog, int status) {
        super("building kernels/" + file + " with options \"" + options + "\" for " + device + " failed ("
                + ClStatus.name(status) + "):\n" + buildLog, status, null);
        this.file = file;
        this.options = options;
        this.buildLog = buildLog;
    }

    /** The same failure for another thread: same message, file, options and log, with {@code failure} as cause. */
    KernelBuildException(KernelBuildException failure) {
        super(failure.getMessage(), failure.status(), failure);
        this.file = failure.file;
        this.options = failure.options;
        this.buildLog = failure.buildLog;
    }

    public String file() {
        return file;
    }

    public String options() {
        return options;
    }

    public String buildLog() {
        return buildLog;
    }
}
