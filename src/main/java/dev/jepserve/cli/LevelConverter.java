package dev.jepserve.cli;

import picocli.CommandLine;

import java.util.Locale;

/** {@code --log-verbose}: an integer, or true/false for 1/0 as tritonserver takes it. */
final class LevelConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
                return 1;
            case "false":
                return 0;
            default:
                try {
                    return Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new CommandLine.TypeConversionException("expected an integer, true or false, got '"
                            + value + "'");
                }
        }
    }
}
