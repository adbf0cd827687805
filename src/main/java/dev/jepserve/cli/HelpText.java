package dev.jepserve.cli;

/** The one-line text shown for a flag in --help and the README. */
final class HelpText {
    private HelpText() {
    }

    static String describe(Flag flag) {
        StringBuilder text = new StringBuilder(flag.description());
        if (flag.defaultText() != null) {
            text.append(" (default: ").append(flag.defaultText()).append(')');
        }
        if (flag.repeatable()) {
            text.append("; repeatable");
        }
        switch (flag.support()) {
            case NOT_YET -> text.append(". Not implemented yet: ").append(flag.reason()).append('.');
            case NO_EFFECT -> text.append(". No effect here: ").append(flag.reason()).append('.');
            default -> {
            }
        }
        // picocli formats descriptions with String.format.
        return text.toString().replace("%", "%%");
    }
}
