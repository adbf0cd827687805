package dev.jepserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One parsed command line: each flag's value (the table's default when not given) and which flags were given. */
public final class ParsedFlags {
    private final List<Flag> table;
    private final Map<String, OptionSpec> options;
    private final CommandLine.ParseResult result;

    ParsedFlags(List<Flag> table, Map<String, OptionSpec> options, CommandLine.ParseResult result) {
        this.table = table;
        this.options = options;
        this.result = result;
    }

    public boolean helpRequested() {
        return result.isUsageHelpRequested();
    }

    public boolean versionRequested() {
        return result.isVersionHelpRequested();
    }

    /** Whether the flag was on the command line. */
    public boolean given(String name) {
        return result.hasMatchedOption(option(name));
    }

    public boolean bool(String name) {
        return (Boolean) value(name);
    }

    public int integer(String name) {
        return (Integer) value(name);
    }

    public long longValue(String name) {
        return (Long) value(name);
    }

    public double decimal(String name) {
        return (Double) value(name);
    }

    /** The value, or null when the flag has no default and was not given. */
    public String text(String name) {
        return (String) value(name);
    }

    /** Every value of a repeatable flag, in command-line order. */
    public List<String> texts(String name) {
        Object value = value(name);
        List<String> texts = new ArrayList<>();
        if (value != null) {
            for (Object item : (List<?>) value) {
                texts.add((String) item);
            }
        }
        return texts;
    }

    /** The flags on the command line, in table order. */
    public List<Flag> givenFlags() {
        List<Flag> given = new ArrayList<>();
        for (Flag flag : table) {
            if (given(flag.name())) {
                given.add(flag);
            }
        }
        return given;
    }

    /** The typed value: Boolean, Integer, Long, Double, String, or a List of String for repeatable flags. */
    public Object value(String name) {
        return option(name).getValue();
    }

    private OptionSpec option(String name) {
        OptionSpec option = options.get(name);
        if (option == null) {
            throw new IllegalArgumentException("no flag " + name + " in the table");
        }
        return option;
    }
}
