package dev.jepserve.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

import java.util.function.Supplier;

/**
 * Drops the levels {@code --log-info/--log-warning/--log-error=false} turn off. Each level is switched on its
 * own, as in tritonserver, which a logback threshold cannot express (warnings off but errors on).
 * Verbose (DEBUG) lines follow the verbose level only, which the root logger's level carries.
 */
final class LevelSwitchFilter extends Filter<ILoggingEvent> {
    private final Supplier<LogOptions> options;

    /** @param options the current settings, read on every line (they change at run time) */
    LevelSwitchFilter(Supplier<LogOptions> options) {
        this.options = options;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        LogOptions current = options.get();
        boolean enabled = switch (event.getLevel().toInt()) {
            case Level.INFO_INT -> current.info();
            case Level.WARN_INT -> current.warning();
            case Level.ERROR_INT -> current.error();
            default -> true;
        };
        return enabled ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
