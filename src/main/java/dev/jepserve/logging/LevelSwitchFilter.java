package dev.jepserve.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the levels {@code --log-info/--log-warning/--log-error=false} turn off. Each level is switched on its
 * own, as in tritonserver, which a logback threshold cannot express (warnings off but errors on).
 * Verbose (DEBUG) lines follow {@code --log-verbose} only.
 */
final class LevelSwitchFilter extends Filter<ILoggingEvent> {
    private final LogOptions options;

    LevelSwitchFilter(LogOptions options) {
        this.options = options;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        Level level = event.getLevel();
        boolean enabled = switch (level.toInt()) {
            case Level.INFO_INT -> options.info();
            case Level.WARN_INT -> options.warning();
            case Level.ERROR_INT -> options.error();
            default -> true;
        };
        return enabled ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
