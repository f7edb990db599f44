package dev.herald.it;

/** One thing a test client received: an event, or a signal (reset, dropped) with its JSON body. */
public record Received(String kind, String id, String topic, String data) {
    public boolean isEvent() {
        return kind.equals("event");
    }
}
