package dev.herald.transport;

import java.util.List;

/**
 * What a client asked for on connect: topics and resume position. The Last-Event-ID header beats the
 * lastEventId query parameter, because EventSource re-sends the header while the URL keeps its old query.
 */
public record SubscribeRequest(List<String> topics, String lastEventId) {

    public static SubscribeRequest of(String[] topics, String headerLastEventId, String queryLastEventId) {
        String position = blankToNull(headerLastEventId);
        if (position == null) {
            position = blankToNull(queryLastEventId);
        }
        return new SubscribeRequest(topics == null ? List.of() : List.of(topics), position);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
