package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jepserve.inference.TritonException;

/**
 * Turns a JSON syntax error into Triton's text, {@code failed to parse the request JSON buffer: <reason> at
 * <offset>}, with rapidjson's reasons (what Triton's parser reports). Jackson's own messages name parser
 * internals (sources, features, classes), so they never reach a client; unknown ones become
 * "Unspecific syntax error.".
 */
final class JsonSyntaxErrors {
    static final String MALFORMED = "failed to parse the request JSON buffer: ";

    private JsonSyntaxErrors() {
    }

    /** @param base where the parsed bytes start in the body, added to the error's offset */
    static TritonException malformed(JsonProcessingException e, long base) {
        long offset = e.getLocation() != null ? Math.max(0, e.getLocation().getByteOffset()) : 0;
        return malformed(reason(e.getOriginalMessage()), base + offset);
    }

    static TritonException malformed(String reason, long offset) {
        return TritonException.internal(MALFORMED + reason + " at " + offset);
    }

    /**
     * A body Jackson took for UTF-16 or UTF-32 (zero bytes at its start) and could not decode: JSON here is
     * UTF-8, as for Triton, whose parser refuses such a body as an invalid value.
     */
    static TritonException notUtf8() {
        return malformed("Invalid value.", 0);
    }

    /** rapidjson's text for the error Jackson describes with {@code message}. */
    static String reason(String message) {
        String m = message == null ? "" : message;
        if (m.contains("end-of-input")) {
            if (m.contains("String value") || m.contains("field name") || m.contains("in a String")) {
                return "Missing a closing quotation mark in string.";
            }
            if (m.contains("Array")) {
                return "Missing a comma or ']' after an array element.";
            }
            if (m.contains("Object")) {
                return "Missing a comma or '}' after an object member.";
            }
            return "Invalid value.";
        }
        if (m.contains("double-quote to start field name")) {
            return "Missing a name for object member.";
        }
        if (m.contains("a colon to separate")) {
            return "Missing a colon after a name of object member.";
        }
        if (m.contains("separate Object entries") || m.contains("close marker ']': expected '}'")) {
            return "Missing a comma or '}' after an object member.";
        }
        if (m.contains("separate Array entries") || m.contains("close marker '}': expected ']'")) {
            return "Missing a comma or ']' after an array element.";
        }
        if (m.contains("Invalid UTF-8") || m.contains("Illegal unquoted character")
                || m.contains("surrogate")) {
            return "Invalid encoding in string.";
        }
        if (m.contains("character escape")) {
            return "Invalid escape character in string.";
        }
        if (m.contains("Decimal point not followed")) {
            return "Miss fraction part in number.";
        }
        if (m.contains("Exponent indicator not followed")) {
            return "Miss exponent in number.";
        }
        if (m.contains("out of range") || m.contains("Number length")) {
            return "Number too big to be stored in double.";
        }
        if (m.contains("nesting depth")) {
            return "Arrays and objects nest too deeply.";
        }
        if (m.contains("String value length") || m.contains("exceeds the maximum")) {
            return "A value exceeds the maximum allowed length.";
        }
        if (m.contains("Unrecognized token") || m.contains("Unexpected character")
                || m.contains("Non-standard token") || m.contains("Leading zeroes")
                || m.contains("Unexpected close marker")) {
            return "Invalid value.";
        }
        return "Unspecific syntax error.";
    }
}
