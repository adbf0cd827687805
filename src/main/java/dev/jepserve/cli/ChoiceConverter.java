package dev.jepserve.cli;

import picocli.CommandLine;

import java.util.List;

/** Accepts one of a flag's choices in any case and returns it spelled as in the table. */
final class ChoiceConverter implements CommandLine.ITypeConverter<String> {
    private final List<String> choices;

    ChoiceConverter(List<String> choices) {
        this.choices = choices;
    }

    @Override
    public String convert(String value) {
        for (String choice : choices) {
            if (choice.equalsIgnoreCase(value)) {
                return choice;
            }
        }
        throw new CommandLine.TypeConversionException("expected one of " + String.join(", ", choices) + ", got '"
                + value + "'");
    }
}
