package dev.jepserve.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * tritonserver parses with getopt_long, which takes any unambiguous prefix of a long flag
 * ({@code --model-repo=/models}, {@code --http-p 8000}). This spells such prefixes out before picocli parses
 * (picocli's own abbreviations match word by word, so {@code --http-p} would be ambiguous there).
 * An exact name always wins; a prefix of several flags is an error, as in getopt.
 */
final class GetoptAbbreviations {
    private final List<String> names;

    GetoptAbbreviations(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** @throws UsageException for a prefix of several flags */
    String[] expand(String[] args) {
        String[] expanded = args.clone();
        for (int i = 0; i < expanded.length; i++) {
            String arg = expanded[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                continue;
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (names.contains(name)) {
                continue;
            }
            List<String> candidates = new ArrayList<>();
            for (String known : names) {
                if (known.startsWith(name)) {
                    candidates.add(known);
                }
            }
            if (candidates.size() == 1) {
                expanded[i] = candidates.get(0) + (equals < 0 ? "" : arg.substring(equals));
            } else if (candidates.size() > 1) {
                throw new UsageException("option '" + name + "' is ambiguous; possibilities: "
                        + String.join(" ", candidates));
            }
            // No candidate: left for picocli to report as unknown.
        }
        return expanded;
    }
}
