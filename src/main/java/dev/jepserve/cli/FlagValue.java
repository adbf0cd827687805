package dev.jepserve.cli;

/** How a flag's value is written on the command line. */
public enum FlagValue {
    /** No value: the flag's presence means true ({@code --disable-auto-complete-config}). */
    NONE(""),
    /** true/false, on/off or 1/0 in any case; the flag alone means true. */
    BOOL("BOOL"),
    INT("N"),
    LONG("N"),
    DOUBLE("N"),
    /** An integer level; true and false count as 1 and 0 ({@code --log-verbose}). */
    LEVEL("N"),
    TEXT("TEXT");

    private final String label;

    FlagValue(String label) {
        this.label = label;
    }

    /** The placeholder shown in help when the flag has no label of its own. */
    public String label() {
        return label;
    }
}
