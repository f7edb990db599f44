package dev.herald.hub;

/**
 * Parsed form of an in-memory event id {@code <epoch>-<sequence>}. Clients treat ids as opaque; only the
 * hub compares them, and only within one epoch (a restart starts a new epoch, making lost history visible).
 */
public record EventId(String epoch, long sequence) {

    public static String format(String epoch, long sequence) {
        return epoch + '-' + sequence;
    }

    /** Returns null for anything that is not {@code <epoch>-<non-negative long>}. */
    public static EventId parse(String text) {
        if (text == null) {
            return null;
        }
        int dash = text.lastIndexOf('-');
        if (dash <= 0 || dash == text.length() - 1 || text.length() > 64 || !Character.isDigit(text.charAt(dash + 1))) {
            return null;
        }
        try {
            long sequence = Long.parseLong(text, dash + 1, text.length(), 10);
            return sequence < 0 ? null : new EventId(text.substring(0, dash), sequence);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return format(epoch, sequence);
    }
}
