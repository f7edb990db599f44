package dev.herald.observability;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Process figures Prometheus' own clients export (open and max file descriptors, CPU seconds), which the
 * servers' MicroProfile base metrics lack. Read as attributes of the platform's OperatingSystem MBean:
 * WildFly's module class loader hides com.sun.management from deployments, JMX works everywhere.
 */
public final class ProcessStats {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final ObjectName OPERATING_SYSTEM = operatingSystem();

    private ProcessStats() {
    }

    private static ObjectName operatingSystem() {
        try {
            return new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long openFileDescriptors() {
        return attribute("OpenFileDescriptorCount");
    }

    public static long maxFileDescriptors() {
        return attribute("MaxFileDescriptorCount");
    }

    public static double cpuSeconds() {
        long nanos = attribute("ProcessCpuTime");
        return nanos < 0 ? -1 : nanos / 1e9;
    }

    /** -1 where the JVM or OS does not offer the figure. */
    private static long attribute(String name) {
        try {
            return ((Number) SERVER.getAttribute(OPERATING_SYSTEM, name)).longValue();
        } catch (JMException | ClassCastException e) {
            return -1;
        }
    }
}
