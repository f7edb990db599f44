package dev.herald.observability;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Process figures Prometheus' own clients export (open and max file descriptors, CPU seconds), which the
 * servers' MicroProfile base metrics lack. Read from the JDK's management beans at scrape time.
 */
public final class ProcessStats {
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private ProcessStats() {
    }

    public static long openFileDescriptors() {
        return OS instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    }

    public static long maxFileDescriptors() {
        return OS instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    public static double cpuSeconds() {
        return OS instanceof com.sun.management.OperatingSystemMXBean jdk ? jdk.getProcessCpuTime() / 1e9 : -1;
    }
}
