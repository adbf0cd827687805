package dev.jepserve.http.codec;

import java.nio.ByteBuffer;

/** Well-formed UTF-8 (RFC 3629: shortest forms only, no surrogates, nothing above U+10FFFF), checked in place. */
final class Utf8 {
    private Utf8() {
    }

    static boolean isValid(byte[] bytes, int offset, int length) {
        return isValid(ByteBuffer.wrap(bytes), offset, length);
    }

    static boolean isValid(ByteBuffer bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b = bytes.get(i) & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + extra >= end) {
                return false;
            }
            int code = b & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                int next = bytes.get(i + k) & 0xFF;
                if ((next & 0xC0) != 0x80) {
                    return false;
                }
                code = code << 6 | next & 0x3F;
            }
            if (code < min || code > 0x10FFFF || code >= 0xD800 && code <= 0xDFFF) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }
}
