package dev.herald.log;

import dev.herald.hub.Position;

/**
 * A place in the in-memory log: {@code <epoch>-<sequence>}. The epoch is new at every start, so an id from
 * before a restart is recognised as another epoch (history lost) instead of being misread.
 */
record MemoryPosition(String epoch, long sequence) implements Position {
    /** What {@link #parse} gives for text that is not a position of any memory log. */
    static final MemoryPosition UNUSABLE = new MemoryPosition("", -1);

    static String format(String epoch, long sequence) {
        return epoch + '-' + sequence;
    }

    /** Returns null for anything that is not {@code <epoch>-<non-negative long>} of at most 64 characters. */
    static MemoryPosition parse(String text) {
        if (text == null) {
            return null;
        }
        int dash = text.lastIndexOf('-');
        if (dash <= 0 || dash == text.length() - 1 || text.length() > 64 || !Character.isDigit(text.charAt(dash + 1))) {
            return null;
        }
        try {
            long sequence = Long.parseLong(text, dash + 1, text.length(), 10);
            return sequence < 0 ? null : new MemoryPosition(text.substring(0, dash), sequence);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String id() {
        return format(epoch, sequence);
    }

    @Override
    public String toString() {
        return id();
    }
}
