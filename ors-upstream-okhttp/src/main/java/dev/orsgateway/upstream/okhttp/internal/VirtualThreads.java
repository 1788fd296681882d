package dev.orsgateway.upstream.okhttp.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads, found at run time: the library is compiled for Java 17, where they do not exist; on Java 21+ a
 * dispatcher thread blocked on a stream's backpressure costs no platform thread.
 */
public final class VirtualThreads {

    private static final Method NEW_EXECUTOR = find();

    private VirtualThreads() {}

    /** Whether this runtime has (non-preview) virtual threads: Java 21 or later. */
    public static boolean supported() {
        return NEW_EXECUTOR != null;
    }

    /**
     * A new {@code Executors.newVirtualThreadPerTaskExecutor()}.
     *
     * @throws IllegalStateException if the runtime has no virtual threads
     */
    public static ExecutorService newExecutor() {
        if (NEW_EXECUTOR == null) {
            throw new IllegalStateException("Virtual threads need Java 21 or later; this is Java "
                    + Runtime.version().feature());
        }
        try {
            return (ExecutorService) NEW_EXECUTOR.invoke(null);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Could not create a virtual-thread executor", e);
        }
    }

    private static Method find() {
        if (Runtime.version().feature() < 21) {
            return null; // Java 19 and 20 have the method, but only as a preview feature
        }
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
