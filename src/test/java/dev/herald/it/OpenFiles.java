package dev.herald.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a process has open, from /proc/{pid}/fd: sockets counted, other files by path (to explain a difference). */
record OpenFiles(Map<String, Integer> byTarget) {
    static OpenFiles of(long pid) {
        Map<String, Integer> targets = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    targets.merge(target.startsWith("socket:") ? "socket" : target, 1, Integer::sum);
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            targets.put("unreadable: " + e, 1);
        }
        return new OpenFiles(targets);
    }

    int sockets() {
        return byTarget.getOrDefault("socket", 0);
    }

    /** New epoll and eventfd descriptors since {@code before}: NIO selectors (two descriptors each). */
    int selectorsMoreThan(OpenFiles before) {
        int more = 0;
        for (String target : List.of("anon_inode:[eventpoll]", "anon_inode:[eventfd]")) {
            more += Math.max(0, byTarget.getOrDefault(target, 0) - before.byTarget.getOrDefault(target, 0));
        }
        return more;
    }

    /** What this has more of than {@code before}: "target +n" each. */
    List<String> moreThan(OpenFiles before) {
        List<String> more = new ArrayList<>();
        byTarget.forEach((target, count) -> {
            int was = before.byTarget.getOrDefault(target, 0);
            if (count > was) {
                more.add(target + " +" + (count - was));
            }
        });
        return more;
    }
}
