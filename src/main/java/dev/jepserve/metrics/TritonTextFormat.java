package dev.jepserve.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes simpleclient samples in the exposition format Triton clients see (prometheus-cpp's text serializer):
 * counter names as given (no "_total", no "_created"), labels sorted by name, no trailing comma, no "{}", values
 * as C's %.16g, histograms as _count, _sum, then _bucket with "le" last, no HELP line for an empty description,
 * families without samples left out, and counters, then gauges, then histograms, each in registration order.
 *
 * <p>Two deliberate departures from prometheus-cpp, so that standard parsers accept every scrape: a newline in a
 * label value is written as {@code \n} (prometheus-cpp writes a backslash and the raw newline), and HELP texts
 * escape backslash and newline (prometheus-cpp writes them raw).
 */
final class TritonTextFormat {
    private static final long UNORDERED = Long.MAX_VALUE;

    private TritonTextFormat() {
    }

    static String write(Enumeration<MetricFamilySamples> families) {
        List<MetricFamilySamples> sorted = Collections.list(families);
        sorted.sort(Comparator.comparingInt((MetricFamilySamples family) -> typeRank(family.type))
                .thenComparingLong(TritonTextFormat::order)
                .thenComparing(TritonTextFormat::exposedName));
        StringBuilder out = new StringBuilder(4096);
        for (MetricFamilySamples family : sorted) {
            writeFamily(out, family);
        }
        return out.toString();
    }

    private static void writeFamily(StringBuilder out, MetricFamilySamples family) {
        String name = exposedName(family);
        StringBuilder lines = new StringBuilder();
        switch (family.type) {
            case COUNTER -> writeCounter(lines, name, family);
            case HISTOGRAM -> writeGrouped(lines, name, family.samples, "le", "_bucket");
            case SUMMARY -> writeGrouped(lines, name, family.samples, "quantile", "");
            default -> writePlain(lines, family.samples);
        }
        if (lines.length() == 0) {
            return;
        }
        if (family.help != null && !family.help.isEmpty()) {
            out.append("# HELP ").append(name).append(' ');
            escapeHelp(out, family.help);
            out.append('\n');
        }
        out.append("# TYPE ").append(name).append(' ').append(typeWord(family.type)).append('\n');
        out.append(lines);
    }

    /**
     * One line per series under the family's own name: simpleclient renames counter samples to name_total and
     * its own counters add name_created samples, which Triton does not have.
     */
    private static void writeCounter(StringBuilder out, String name, MetricFamilySamples family) {
        String created = family.name + "_created";
        for (Sample sample : family.samples) {
            if (!sample.name.equals(created)) {
                writeLine(out, name, sample.labelNames, sample.labelValues, null, null, sample.value);
            }
        }
    }

    private static void writePlain(StringBuilder out, List<Sample> samples) {
        for (Sample sample : samples) {
            writeLine(out, sample.name, sample.labelNames, sample.labelValues, null, null, sample.value);
        }
    }

    /** Histograms and summaries: per label set, _count, _sum, then the bucket/quantile lines in input order. */
    private static void writeGrouped(StringBuilder out, String name, List<Sample> samples, String special,
            String suffix) {
        Map<List<String>, SeriesGroup> groups = new LinkedHashMap<>();
        for (Sample sample : samples) {
            int specialIndex = sample.labelNames.indexOf(special);
            List<String> names = new ArrayList<>(sample.labelNames);
            List<String> values = new ArrayList<>(sample.labelValues);
            String specialValue = null;
            if (specialIndex >= 0) {
                names.remove(specialIndex);
                specialValue = values.remove(specialIndex);
            }
            List<String> key = new ArrayList<>(names);
            key.addAll(values);
            SeriesGroup group = groups.computeIfAbsent(key, k -> new SeriesGroup(names, values));
            if (sample.name.equals(name + "_count")) {
                group.count = sample.value;
            } else if (sample.name.equals(name + "_sum")) {
                group.sum = sample.value;
            } else if (specialValue != null && sample.name.equals(name + suffix)) {
                group.parts.add(new BoundedLine(normalizeBound(specialValue), sample.value));
            }
        }
        for (SeriesGroup group : groups.values()) {
            writeLine(out, name + "_count", group.names, group.values, null, null, group.count);
            writeLine(out, name + "_sum", group.names, group.values, null, null, group.sum);
            for (BoundedLine line : group.parts) {
                writeLine(out, name + suffix, group.names, group.values, special, line.bound(), line.value());
            }
        }
    }

    private static void writeLine(StringBuilder out, String name, List<String> labelNames, List<String> labelValues,
            String lastName, String lastValue, double value) {
        out.append(name);
        if (!labelNames.isEmpty() || lastName != null) {
            out.append('{');
            boolean first = true;
            for (int index : sortedIndexes(labelNames)) {
                out.append(first ? "" : ",").append(labelNames.get(index)).append("=\"");
                escapeLabelValue(out, labelValues.get(index));
                out.append('"');
                first = false;
            }
            if (lastName != null) {
                out.append(first ? "" : ",").append(lastName).append("=\"");
                escapeLabelValue(out, lastValue);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(PromNumberFormat.format(value)).append('\n');
    }

    private static int[] sortedIndexes(List<String> names) {
        if (isSorted(names)) {
            int[] identity = new int[names.size()];
            for (int i = 0; i < identity.length; i++) {
                identity[i] = i;
            }
            return identity;
        }
        Integer[] boxed = new Integer[names.size()];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, Comparator.comparing(names::get));
        int[] indexes = new int[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            indexes[i] = boxed[i];
        }
        return indexes;
    }

    private static boolean isSorted(List<String> names) {
        for (int i = 1; i < names.size(); i++) {
            if (names.get(i - 1).compareTo(names.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    /** Prints a bucket bound or quantile like a value ("1", not simpleclient's "1.0"). */
    private static String normalizeBound(String bound) {
        if (bound.equals("+Inf") || bound.equals("-Inf")) {
            return bound;
        }
        try {
            return PromNumberFormat.format(Double.parseDouble(bound));
        } catch (NumberFormatException notANumber) {
            return bound;
        }
    }

    private static void escapeLabelValue(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static void escapeHelp(StringBuilder out, String help) {
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static String exposedName(MetricFamilySamples family) {
        return family instanceof TritonFamilySamples triton ? triton.exposedName : family.name;
    }

    private static long order(MetricFamilySamples family) {
        return family instanceof TritonFamilySamples triton ? triton.order : UNORDERED;
    }

    private static int typeRank(Collector.Type type) {
        return switch (type) {
            case COUNTER -> 0;
            case GAUGE -> 1;
            case HISTOGRAM -> 2;
            case SUMMARY -> 3;
            default -> 4;
        };
    }

    private static String typeWord(Collector.Type type) {
        return switch (type) {
            case COUNTER -> "counter";
            case GAUGE -> "gauge";
            case HISTOGRAM -> "histogram";
            case SUMMARY -> "summary";
            default -> "untyped";
        };
    }

    /** One bucket (or quantile) line: its bound and its value. */
    private record BoundedLine(String bound, double value) {
    }

    /** The _count/_sum and bucket (or quantile) lines of one label set. */
    private static final class SeriesGroup {
        final List<String> names;
        final List<String> values;
        final List<BoundedLine> parts = new ArrayList<>();
        double count;
        double sum;

        SeriesGroup(List<String> names, List<String> values) {
            this.names = names;
            this.values = values;
        }
    }
}
