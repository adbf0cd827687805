package dev.jepserve.cli;

import picocli.CommandLine;

import java.util.Locale;

/** tritonserver's boolean flag values: true/false, on/off, 1/0, any case. */
final class TritonBooleanConverter implements CommandLine.ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "on", "1":
                return true;
            case "false", "off", "0":
                return false;
            default:
                throw new CommandLine.TypeConversionException("expected true/false, on/off or 1/0, got '" + value + "'");
        }
    }
}
