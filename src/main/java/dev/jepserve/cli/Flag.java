package dev.jepserve.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One row of the flag table: a flag's names, value syntax, default and what jepserve does with it.
 *
 * @param name         the long name, {@code --http-port}
 * @param aliases      other names ({@code --model-store})
 * @param value        how the value is written
 * @param label        help placeholder for the value, e.g. {@code BACKEND,KEY=VALUE}
 * @param defaultValue the default as text; null when there is none
 * @param defaultText  how help and the README show the default (differs when it is computed)
 * @param repeatable   whether the flag may be given more than once, every value kept
 * @param required     whether the flag must be given
 * @param choices      the accepted values (any case), empty for any value
 * @param quietValues  values that need no warning because jepserve already behaves that way (lower case)
 * @param support      implemented, not yet, or no effect here
 * @param description  one line: what the flag does
 * @param reason       why it has no effect (for NOT_YET and NO_EFFECT), else null
 * @param tritonFlag   false for jepserve's own flags
 */
public record Flag(String name, List<String> aliases, FlagValue value, String label, String defaultValue,
                   String defaultText, boolean repeatable, boolean required, List<String> choices,
                   Set<String> quietValues, FlagSupport support, String description, String reason,
                   boolean tritonFlag) {

    public Flag {
        aliases = List.copyOf(aliases);
        choices = List.copyOf(choices);
        quietValues = Set.copyOf(quietValues);
        if (support != FlagSupport.IMPLEMENTED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException(name + ": a flag without effect needs a reason");
        }
    }

    static Flag of(String name, FlagValue value, String defaultValue, FlagSupport support, String description,
                   String reason) {
        return new Flag(name, List.of(), value, value.label(), defaultValue, defaultValue, false, false, List.of(),
                Set.of(), support, description, reason, true);
    }

    /** Every name: the long name first, then the aliases. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(name);
        names.addAll(aliases);
        return names;
    }

    Flag alias(String alias) {
        List<String> more = new ArrayList<>(aliases);
        more.add(alias);
        return new Flag(name, more, value, label, defaultValue, defaultText, repeatable, required, choices,
                quietValues, support, description, reason, tritonFlag);
    }

    Flag label(String newLabel) {
        return new Flag(name, aliases, value, newLabel, defaultValue, defaultText, repeatable, required, choices,
                quietValues, support, description, reason, tritonFlag);
    }

    Flag defaultText(String text) {
        return new Flag(name, aliases, value, label, defaultValue, text, repeatable, required, choices,
                quietValues, support, description, reason, tritonFlag);
    }

    Flag asRepeatable() {
        return new Flag(name, aliases, value, label, defaultValue, defaultText, true, required, choices,
                quietValues, support, description, reason, tritonFlag);
    }

    Flag asRequired() {
        return new Flag(name, aliases, value, label, defaultValue, defaultText, repeatable, true, choices,
                quietValues, support, description, reason, tritonFlag);
    }

    Flag choices(String... accepted) {
        return new Flag(name, aliases, value, String.join("|", accepted), defaultValue, defaultText, repeatable,
                required, List.of(accepted), quietValues, support, description, reason, tritonFlag);
    }

    /** Values for which jepserve already does what tritonserver would, so no warning is needed. */
    Flag quietWhen(String... values) {
        Set<String> quiet = new java.util.HashSet<>(quietValues);
        for (String v : values) {
            quiet.add(v.toLowerCase(Locale.ROOT));
        }
        return new Flag(name, aliases, value, label, defaultValue, defaultText, repeatable, required, choices,
                quiet, support, description, reason, tritonFlag);
    }

    Flag jepserveOnly() {
        return new Flag(name, aliases, value, label, defaultValue, defaultText, repeatable, required, choices,
                quietValues, support, description, reason, false);
    }

    /** Whether this value needs no warning. */
    public boolean isQuiet(Object typedValue) {
        return typedValue != null && quietValues.contains(typedValue.toString().toLowerCase(Locale.ROOT));
    }
}
