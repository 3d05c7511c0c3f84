package dev.clnn.device;

import org.jocl.CL;

/** Names of OpenCL status codes, for error messages. */
final class ClStatus {
    private ClStatus() {
    }

    static String name(int status) {
        // JOCL's table lives in the class that loads libOpenCL.so; without a runtime, the number has to do.
        if (ClPlatforms.runtimeProblem() != null) {
            return "CL status " + status;
        }
        String name = CL.stringFor_errorCode(status);
        return name == null || name.isEmpty() ? "CL status " + status : name;
    }
}
