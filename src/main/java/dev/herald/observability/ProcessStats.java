package dev.herald.observability;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Process and JVM figures Prometheus' own clients export (open and max file descriptors, CPU seconds, heap,
 * GC time, threads, ...), so that dashboards and alerts read the same names on every runtime: MicroProfile
 * base metrics lack some and WildFly (metrics over OTLP only) exports none. The com.sun.management figures are
 * read as attributes of the platform's OperatingSystem MBean: WildFly's module class loader hides
 * com.sun.management from deployments, JMX works everywhere; the rest come from java.lang.management.
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

    public static long heapUsedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static long heapCommittedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    /** -1 where the heap has no defined maximum. */
    public static long heapMaxBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }

    /** Time spent in garbage collection since the JVM started, all collectors together. */
    public static double gcSeconds() {
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis / 1e3;
    }

    /** Garbage collections since the JVM started, all collectors together. */
    public static long gcCollections() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    public static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    public static int availableProcessors() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** When the JVM started, in seconds since the epoch (uptime: time() - process_start_time_seconds). */
    public static double startTimeSeconds() {
        return ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3;
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
