package dev.jepserve.config;

import dev.jepserve.inference.ShortestDecimal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Writes JSON strings and numbers the way Triton's GET /config output spells them. Triton prints the config
 * with protobuf's C++ JSON printer and then re-writes the document with RapidJSON, so the final text follows
 * RapidJSON's escaping and number formatting applied to what protobuf printed.
 */
final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonText() {
    }

    /** Appends {@code value} as a JSON string: only quotes, backslashes and control characters are escaped. */
    static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A float field as Triton renders it (protobuf prints it with 6, else 9, significant digits). */
    static String floatNumber(float value) {
        if (Float.isNaN(value) || Float.isInfinite(value)) {
            return nonFiniteText(value);
        }
        return protobufThenRapidJson(value, 6, 9, true);
    }

    /** A double field as Triton renders it (protobuf prints it with 15, else 17, significant digits). */
    static String doubleNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return nonFiniteText(value);
        }
        return protobufThenRapidJson(value, 15, 17, false);
    }

    // Protobuf's JSON printer writes non-finite values as these strings.
    private static String nonFiniteText(double value) {
        if (Double.isNaN(value)) {
            return "\"NaN\"";
        }
        return value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    }

    /**
     * Protobuf prints the value like C's %g with {@code shortDigits} significant digits (or {@code longDigits}
     * when that does not read back to the same value). RapidJSON then reads that text: without '.' or exponent it
     * stays an integer and is written unchanged, otherwise it becomes a double and is written in RapidJSON's
     * shortest form.
     */
    private static String protobufThenRapidJson(double value, int shortDigits, int longDigits, boolean isFloat) {
        if (value == 0) {
            return "0";
        }
        BigDecimal printed = roundToDigits(value, shortDigits);
        int digits = shortDigits;
        if (!readsBack(printed, value, isFloat)) {
            printed = roundToDigits(value, longDigits);
            digits = longDigits;
        }
        int exponent = printed.precision() - printed.scale() - 1;
        boolean scientific = exponent < -4 || exponent >= digits;
        BigDecimal stripped = printed.stripTrailingZeros();
        if (!scientific && stripped.scale() <= 0) {
            return stripped.toBigInteger().toString();
        }
        return rapidJsonDouble(Double.parseDouble(printed.toString()));
    }

    private static BigDecimal roundToDigits(double value, int digits) {
        return new BigDecimal(value).round(new MathContext(digits, RoundingMode.HALF_EVEN));
    }

    private static boolean readsBack(BigDecimal printed, double value, boolean isFloat) {
        String text = printed.toString();
        return isFloat ? Float.parseFloat(text) == (float) value : Double.parseDouble(text) == value;
    }

    /**
     * RapidJSON's Writer::WriteDouble: shortest digits ({@link ShortestDecimal}, the digits the HTTP codec prints
     * too), then RapidJSON's "prettify" layout (always a '.' or 'e').
     */
    static String rapidJsonDouble(double value) {
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        StringBuilder out = new StringBuilder();
        if (value < 0) {
            out.append('-');
            value = -value;
        }
        ShortestDecimal shortest = new ShortestDecimal();
        shortest.of(value);
        long digits = shortest.significand();
        int k = shortest.exponent();
        while (digits % 10 == 0) {
            digits /= 10;
            k++;
        }
        String buffer = Long.toString(digits);
        int length = buffer.length();
        int kk = length + k;
        if (k >= 0 && kk <= 21) {
            out.append(buffer).append("0".repeat(k)).append(".0");
        } else if (kk > 0 && kk <= 21) {
            out.append(buffer, 0, kk).append('.').append(buffer, kk, length);
        } else if (kk > -6 && kk <= 0) {
            out.append("0.").append("0".repeat(-kk)).append(buffer);
        } else if (length == 1) {
            out.append(buffer).append('e').append(kk - 1);
        } else {
            out.append(buffer.charAt(0)).append('.').append(buffer, 1, length).append('e').append(kk - 1);
        }
        return out.toString();
    }
}
