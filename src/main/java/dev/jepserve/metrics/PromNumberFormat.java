package dev.jepserve.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats sample values the way prometheus-cpp does (a classic-locale stream with precision 16, i.e. C's
 * {@code %.16g}), plus its spellings {@code Nan}, {@code +Inf} and {@code -Inf}.
 */
final class PromNumberFormat {
    private static final int PRECISION = 16;
    private static final MathContext SIGNIFICANT_DIGITS = new MathContext(PRECISION, RoundingMode.HALF_EVEN);
    /** Integers below this print exactly with %.16g, so they can skip BigDecimal. */
    private static final double EXACT_INTEGER_LIMIT = 1e15;

    private PromNumberFormat() {
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "Nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0.0) {
            return Double.doubleToRawLongBits(value) == 0L ? "0" : "-0";
        }
        if (value == Math.rint(value) && Math.abs(value) < EXACT_INTEGER_LIMIT) {
            return Long.toString((long) value);
        }
        // new BigDecimal(double) is exact, so HALF_EVEN rounding matches a correctly rounding printf.
        BigDecimal rounded = new BigDecimal(value).round(SIGNIFICANT_DIGITS);
        int exponent = rounded.precision() - rounded.scale() - 1;
        BigDecimal stripped = rounded.stripTrailingZeros();
        if (exponent < -4 || exponent >= PRECISION) {
            return scientific(stripped, exponent);
        }
        return stripped.toPlainString();
    }

    /** d.ddde+XX with at least two exponent digits, trailing zeros removed (as %g does). */
    private static String scientific(BigDecimal value, int exponent) {
        String digits = value.unscaledValue().abs().toString();
        StringBuilder text = new StringBuilder(digits.length() + 8);
        if (value.signum() < 0) {
            text.append('-');
        }
        text.append(digits.charAt(0));
        if (digits.length() > 1) {
            text.append('.').append(digits, 1, digits.length());
        }
        text.append('e').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        if (magnitude < 10) {
            text.append('0');
        }
        return text.append(magnitude).toString();
    }
}
