package dev.herald.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@link FuzzIT}'s cases and keeps the score: every wrong answer (with the seed that replays it), how
 * many refusals Herald must have counted per endpoint, cases and time per category.
 */
final class FuzzRun {
    /**
     * One hostile input and the answer it must get. {@code run} throws AssertionError on a wrong answer and
     * returns the endpoint whose herald_requests_rejected_total Herald incremented ("publish", "sse", "ws"),
     * or null when Herald counted nothing (accepted, or the container answered before Herald saw it).
     */
    record Case(String name, Callable<String> run) {
    }

    private static final Pattern ERROR = Pattern.compile("\"error\":\"([^\"]*)\"");

    final long seed;
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final Map<String, String> summary = Collections.synchronizedMap(new LinkedHashMap<>());

    FuzzRun(long seed) {
        this.seed = seed;
    }

    /** Runs the cases of one category on {@code threads} threads and waits for all of them. */
    void run(String category, List<Case> cases, int threads) {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                Case fuzzCase = cases.get(i);
                String label = category + "#" + i + " " + fuzzCase.name();
                futures.add(pool.submit(() -> runOne(label, fuzzCase)));
            }
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            failures.add(prefix() + category + ": the cases did not finish: " + e);
        } finally {
            pool.shutdownNow();
        }
        summary.put(category, cases.size() + " cases, " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** A line for the summary. */
    void note(String what, String line) {
        summary.put(what, line);
    }

    private void runOne(String label, Case fuzzCase) {
        try {
            String endpoint = fuzzCase.run().call();
            if (endpoint != null) {
                rejected.computeIfAbsent(endpoint, e -> new LongAdder()).increment();
            }
        } catch (AssertionError | Exception e) {
            failures.add(prefix() + label + ": " + e.getMessage());
        }
    }

    void fail(String what) {
        failures.add(what.startsWith(prefix()) ? what : prefix() + what);
    }

    String prefix() {
        return "[herald.fuzz.seed=" + seed + "] ";
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    long rejected(String endpoint) {
        LongAdder count = rejected.get(endpoint);
        return count == null ? 0 : count.sum();
    }

    Map<String, String> summary() {
        return Map.copyOf(summary);
    }

    String summaryText() {
        StringBuilder text = new StringBuilder();
        synchronized (summary) {
            summary.forEach((category, line) -> text.append("  ").append(category).append(": ").append(line).append('\n'));
        }
        return text.toString();
    }

    /** Fails unless the condition holds. */
    static void expect(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    /** The "error" member of a Herald error body or close reason, or null. */
    static String errorOf(String json) {
        Matcher matcher = ERROR.matcher(json == null ? "" : json);
        return matcher.find() ? matcher.group(1) : null;
    }

    /**
     * An HTTP answer Herald itself gave: the status and JSON reason (never 5xx); the endpoint to count when it
     * is a refusal, null when it is an acceptance.
     */
    static String heraldAnswer(RawHttp.Answer answer, int status, String reason, String endpoint) {
        expect(answer.status() < 500, "5xx: " + answer);
        expect(answer.status() == status, "expected " + status + (reason == null ? "" : " " + reason) + ", got " + answer);
        if (reason == null) {
            return null;
        }
        expect(answer.fromHerald() && reason.equals(errorOf(answer.body())),
                "expected Herald's {\"error\":\"" + reason + "\"}, got " + answer + " " + answer.headers());
        return endpoint;
    }
}
