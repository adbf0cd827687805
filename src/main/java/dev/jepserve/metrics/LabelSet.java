package dev.jepserve.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** An immutable label set, sorted by label name (the order Triton prints them in). */
final class LabelSet {
    static final LabelSet EMPTY = new LabelSet(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private final int hash;

    private LabelSet(String[] names, String[] values) {
        this.names = names;
        this.values = values;
        this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    /** Builds a label set from parallel arrays (null means no labels); a repeated name keeps its last value. */
    static LabelSet of(String[] names, String[] values) {
        int count = names == null ? 0 : names.length;
        if (count != (values == null ? 0 : values.length)) {
            throw new IllegalArgumentException("label names and values differ in length");
        }
        if (count == 0) {
            return EMPTY;
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            sorted.put(Objects.requireNonNull(names[i], "label name"),
                    Objects.requireNonNull(values[i], "label value"));
        }
        return of(sorted);
    }

    /** Builds a label set from alternating name, value strings. */
    static LabelSet of(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("expected name, value pairs");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            sorted.put(pairs[i], pairs[i + 1]);
        }
        return of(sorted);
    }

    private static LabelSet of(TreeMap<String, String> sorted) {
        if (sorted.isEmpty()) {
            return EMPTY;
        }
        String[] names = new String[sorted.size()];
        String[] values = new String[sorted.size()];
        int i = 0;
        for (Map.Entry<String, String> entry : sorted.entrySet()) {
            names[i] = entry.getKey();
            values[i++] = entry.getValue();
        }
        return new LabelSet(names, values);
    }

    List<String> names() {
        return List.of(names);
    }

    List<String> values() {
        return List.of(values);
    }

    /** The names followed by one extra name (used for a histogram's trailing "le"). */
    List<String> namesWith(String extraName) {
        String[] all = Arrays.copyOf(names, names.length + 1);
        all[names.length] = extraName;
        return List.of(all);
    }

    List<String> valuesWith(String extraValue) {
        String[] all = Arrays.copyOf(values, values.length + 1);
        all[values.length] = extraValue;
        return List.of(all);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LabelSet that && hash == that.hash
                && Arrays.equals(names, that.names) && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            text.append(i == 0 ? "" : ",").append(names[i]).append("=\"").append(values[i]).append('"');
        }
        return text.append('}').toString();
    }
}
