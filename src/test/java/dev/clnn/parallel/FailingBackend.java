package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that fails like a lost device: every call goes to the wrapped backend until the {@code n}-th call of
 * {@code op}, which throws an {@link IllegalStateException} (as a driver error surfaces), and so does every later
 * call of it.
 */
public final class FailingBackend {
    private FailingBackend() {
    }

    public static Backend failingAt(Backend backend, String op, int n) {
        AtomicInteger calls = new AtomicInteger();
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals(op) && calls.incrementAndGet() >= n) {
                        throw new IllegalStateException("injected failure of " + op + " (call " + calls.get() + ")");
                    }
                    try {
                        return method.invoke(backend, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
