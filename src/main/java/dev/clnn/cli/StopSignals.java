package dev.clnn.cli;

import dev.clnn.train.StopRequest;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Ctrl-C (SIGINT) and SIGTERM while training: the first asks the trainer to stop after the step it is in (it then
 * writes a training state when it keeps them, and the command exits with 128 + the signal's number); a second halts
 * the process at once. Halting damages no file: states, weights and metrics are written to a temporary file that
 * only a completed write renames into place. Closing puts the previous handlers back.
 *
 * <p>The JDK's signal API ({@code sun.misc.Signal}, module jdk.unsupported) is reached by reflection, so compiling
 * against it gives no warning; where a runtime lacks it, signals keep their default effect (the process ends, and
 * the newest state written before is what a resume finds).
 */
final class StopSignals implements AutoCloseable {
    private static final String[] NAMES = {"INT", "TERM"};

    private final List<Object[]> previous = new ArrayList<>(); // {signal, its handler before ours}
    private volatile int number; // the first signal's number, 0 before any

    private StopSignals() {
    }

    /** Installs the handlers; messages about the stop go to {@code err}. */
    static StopSignals install(StopRequest stop, PrintStream err) {
        StopSignals signals = new StopSignals();
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> create = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method name = signalClass.getMethod("getName");
            Method number = signalClass.getMethod("getNumber");
            InvocationHandler onSignal = (proxy, method, args) -> {
                if (!method.getName().equals("handle")) {
                    return method.invoke(signals, args); // toString, hashCode, equals
                }
                signals.received("SIG" + name.invoke(args[0]), (int) number.invoke(args[0]), stop, err);
                return null;
            };
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    onSignal);
            for (String n : NAMES) {
                try {
                    Object signal = create.newInstance(n);
                    signals.previous.add(new Object[] {signal, handle.invoke(null, signal, handler)});
                } catch (InvocationTargetException e) {
                    // The JVM refuses a signal that was ignored when it started (SIGINT for a job started in the
                    // background by a script): it stays ignored, as the one who started us asked.
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // No signal API: the default effect stays, as described above.
        }
        return signals;
    }

    /** 128 + the number of the signal that asked for the stop (130 for SIGINT, 143 for SIGTERM), or 1 if none. */
    int exitCode() {
        return number == 0 ? 1 : 128 + number;
    }

    private void received(String name, int signalNumber, StopRequest stop, PrintStream err) {
        if (stop.reason() != null) {
            err.println("clnn: " + name + " again: stopping now");
            err.flush();
            Runtime.getRuntime().halt(128 + signalNumber);
        }
        number = signalNumber;
        err.println("clnn: " + name + ": stopping after this step (" + name + " again stops at once)");
        stop.stop(name);
    }

    @Override
    public void close() {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Method handle = signalClass.getMethod("handle", signalClass, Class.forName("sun.misc.SignalHandler"));
            for (Object[] p : previous) {
                handle.invoke(null, p[0], p[1]);
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // Installed by reflection above, so present; nothing to restore otherwise.
        }
    }
}
