package dev.jepserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a picocli command from the flag table and parses command lines with it. */
public final class FlagParser {
    private final List<Flag> table;
    private final String version;

    public FlagParser(List<Flag> table, String version) {
        this.table = List.copyOf(table);
        this.version = version;
    }

    /**
     * Parses one command line.
     *
     * @throws UsageException for an unknown flag, a missing or malformed value, or a missing required flag
     */
    public ParsedFlags parse(String... args) {
        CommandLine commandLine = new CommandLine(spec());
        // As with tritonserver's getopt, a single-value flag given twice keeps the last value.
        commandLine.setOverwrittenOptionsAllowed(true);
        try {
            CommandLine.ParseResult result = commandLine.parseArgs(abbreviations().expand(args));
            ParsedFlags flags = new ParsedFlags(table, optionsByName(commandLine.getCommandSpec()), result);
            checkRequired(flags);
            return flags;
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Checked here, not by picocli, which would report a missing flag before an unknown one. */
    private void checkRequired(ParsedFlags flags) {
        if (flags.helpRequested() || flags.versionRequested()) {
            return;
        }
        for (Flag flag : table) {
            if (flag.required() && !flags.given(flag.name())) {
                throw new UsageException(flag.name() + " must be specified");
            }
        }
    }

    /** The help text: every flag with its value, default and, when it does nothing here, why. */
    public String usage() {
        return new CommandLine(spec()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("jepserve").version(version);
        spec.interpolateVariables(false);
        spec.usageMessage().sortOptions(false).width(100)
                .customSynopsis("jepserve --model-repository=PATH [--FLAG=VALUE]...")
                .description(
                "Serves Triton Python-backend model repositories; takes tritonserver's flags.");
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("print this help").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).description("print the version")
                .build());
        for (Flag flag : table) {
            spec.addOption(option(flag));
        }
        return spec;
    }

    private static OptionSpec option(Flag flag) {
        OptionSpec.Builder option = OptionSpec.builder(flag.names().toArray(String[]::new))
                .description(HelpText.describe(flag));
        if (flag.value() != FlagValue.NONE) {
            option.paramLabel(flag.label());
        }
        if (flag.defaultValue() != null) {
            option.defaultValue(flag.defaultValue());
        }
        switch (flag.value()) {
            // initialValue, not defaultValue: picocli applies a default "false" to a flag as if it were given.
            case NONE -> option.arity("0").type(boolean.class).initialValue(false);
            // A String type, not Boolean: picocli would only take "true"/"false" as a separate value, and
            // tritonserver's "--exit-on-error off" or "--allow-grpc 1" must work too.
            case BOOL -> option.arity("0..1").type(String.class).fallbackValue("true")
                    .converters(new TritonBooleanConverter());
            case INT -> option.arity("1").type(Integer.class);
            case LONG -> option.arity("1").type(Long.class);
            case DOUBLE -> option.arity("1").type(Double.class);
            case LEVEL -> option.arity("1").type(Integer.class).converters(new LevelConverter());
            case TEXT -> {
                option.arity("1");
                if (flag.repeatable()) {
                    option.type(List.class).auxiliaryTypes(String.class);
                } else {
                    option.type(String.class);
                }
                if (!flag.choices().isEmpty()) {
                    option.converters(new ChoiceConverter(flag.choices()));
                }
            }
        }
        return option.build();
    }

    private GetoptAbbreviations abbreviations() {
        List<String> names = new ArrayList<>(List.of("--help", "--version"));
        for (Flag flag : table) {
            names.addAll(flag.names());
        }
        return new GetoptAbbreviations(names);
    }

    private static Map<String, OptionSpec> optionsByName(CommandSpec spec) {
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            byName.put(option.longestName(), option);
            for (String name : option.names()) {
                byName.put(name, option);
            }
        }
        return byName;
    }
}
