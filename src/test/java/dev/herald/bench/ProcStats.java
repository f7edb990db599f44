package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Memory and CPU of server processes from /proc (Linux), summed over a set of pids. */
final class ProcStats {
    /** USER_HZ: the unit of utime/stime in /proc/pid/stat; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** Proportional set size in KB (shared pages split between the processes that map them). */
    static long pssKb(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            total += field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
        }
        return total;
    }

    /** User + system CPU seconds the processes used so far. */
    static double cpuSeconds(List<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // the command name may contain spaces and parentheses: fields start after the last ')'
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/" + pid + "/stat", e);
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).replaceAll("\\D+", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        throw new IllegalStateException(name + " not in " + file);
    }
}
