package dev.clnn.backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A backend whose {@code empty} tensors start poisoned (NaN for floats, {@link Integer#MIN_VALUE} for ints), so a
 * layer, loss or optimiser that reads an element nobody wrote shows it in its results instead of reading whatever
 * the pool or the JVM left there. Every other call goes to the wrapped backend unchanged.
 */
public final class PoisonedBackend {
    private PoisonedBackend() {
    }

    public static Backend wrap(Backend backend) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(backend, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("empty") && result instanceof Tensor t && t.size() > 0) {
                        if (t.dtype() == DType.F32) {
                            backend.fill(t, Float.NaN);
                        } else {
                            backend.fill(t, Integer.MIN_VALUE);
                        }
                    }
                    return result;
                });
    }
}
