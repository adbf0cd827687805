package dev.jepserve.http.codec;

import dev.jepserve.inference.ShortestDecimal;

/**
 * Writes a double as ASCII exactly as Jackson's fast double writer (and Double.toString from JDK 19 on) does:
 * the {@link ShortestDecimal} digits, laid out plainly for 10^-3 ≤ |v| &lt; 10^7 ({@code 0.001}, {@code 100.0})
 * and in computerized scientific notation otherwise ({@code 1.0E7}, {@code -2.5E-7}), always with a digit
 * after the point; {@code NaN}, {@code Infinity}, {@code -Infinity}, {@code 0.0}, {@code -0.0}. Not thread-safe:
 * it keeps the decimal of the number being written.
 */
final class DoubleText {
    /** The longest text: a sign, 17 digits, the point, and {@code E-324}. */
    static final int MAX_LENGTH = 24;

    private static final byte[] NAN = {'N', 'a', 'N'};
    private static final byte[] ZERO = {'0', '.', '0'};
    private static final byte[] INFINITY = {'I', 'n', 'f', 'i', 'n', 'i', 't', 'y'};

    private final ShortestDecimal decimal = new ShortestDecimal();

    /** Writes {@code v} at {@code at}; returns the index just past it. Needs {@link #MAX_LENGTH} bytes of room. */
    int put(double v, byte[] out, int at) {
        if (Double.isNaN(v)) {
            return copy(NAN, out, at);
        }
        if (Double.doubleToRawLongBits(v) < 0) {
            out[at++] = '-';
        }
        if (Double.isInfinite(v)) {
            return copy(INFINITY, out, at);
        }
        if (v == 0) {
            return copy(ZERO, out, at);
        }
        decimal.of(v);
        long digits = decimal.significand();
        int exponent = decimal.exponent();
        while (digits % 10 == 0) {
            digits /= 10;
            exponent++;
        }
        int count = AsciiDigits.count(digits);
        int point = exponent + count; // v = 0.d1d2..dn · 10^point
        if (0 < point && point <= 7) {
            return plain(digits, count, point, out, at);
        }
        if (-3 < point && point <= 0) {
            return belowOne(digits, count, point, out, at);
        }
        return scientific(digits, count, point - 1, out, at);
    }

    /** d1..dp '.' the rest, or the digits, zeros up to the point, and ".0". */
    private static int plain(long digits, int count, int point, byte[] out, int at) {
        int end = AsciiDigits.putDigits(digits, count, out, at);
        if (count <= point) {
            for (int i = count; i < point; i++) {
                out[end++] = '0';
            }
            out[end++] = '.';
            out[end++] = '0';
            return end;
        }
        return insertPoint(out, at + point, end);
    }

    /** "0." then -point zeros, then the digits. */
    private static int belowOne(long digits, int count, int point, byte[] out, int at) {
        out[at++] = '0';
        out[at++] = '.';
        for (int i = point; i < 0; i++) {
            out[at++] = '0';
        }
        return AsciiDigits.putDigits(digits, count, out, at);
    }

    /** d1 '.' the rest (or 0) 'E' the exponent. */
    private static int scientific(long digits, int count, int exponent, byte[] out, int at) {
        int end = AsciiDigits.putDigits(digits, count, out, at);
        if (count == 1) {
            out[end++] = '.';
            out[end++] = '0';
        } else {
            end = insertPoint(out, at + 1, end);
        }
        out[end++] = 'E';
        return AsciiDigits.putLong(exponent, out, end);
    }

    /** Moves {@code [point, end)} one place right and puts '.' at {@code point}. */
    private static int insertPoint(byte[] out, int point, int end) {
        System.arraycopy(out, point, out, point + 1, end - point);
        out[point] = '.';
        return end + 1;
    }

    private static int copy(byte[] text, byte[] out, int at) {
        System.arraycopy(text, 0, out, at, text.length);
        return at + text.length;
    }
}
