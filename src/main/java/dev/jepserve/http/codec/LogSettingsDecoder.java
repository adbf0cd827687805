package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import dev.jepserve.logging.LogFormat;
import dev.jepserve.logging.LogSettingsChange;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body of {@code POST /v2/logging}, checked as tritonserver's HTTP front end checks it: JSON null members
 * are ignored, {@code log_file} cannot change (501), a member of the wrong JSON type is the JSON helper's
 * error (500), and a {@code log_format} other than {@code default} or {@code ISO8601} is refused with 503.
 * An empty body changes nothing.
 */
public final class LogSettingsDecoder {

    private final ObjectMapper json = new ObjectMapper();

    public LogSettingsChange decode(byte[] body) {
        if (body.length == 0) {
            return LogSettingsChange.none();
        }
        JsonNode request = parse(body);
        JsonNode value = present(request, "log_file");
        if (value != null) {
            throw new TritonException(TritonCode.UNSUPPORTED,
                    "log file location can not be updated through network protocol");
        }
        LogSettingsChange change = LogSettingsChange.none();
        if ((value = present(request, "log_info")) != null) {
            change = change.withInfo(bool(value));
        }
        if ((value = present(request, "log_warning")) != null) {
            change = change.withWarning(bool(value));
        }
        if ((value = present(request, "log_error")) != null) {
            change = change.withError(bool(value));
        }
        if ((value = present(request, "log_verbose_level")) != null) {
            if (!TritonJson.isUInt64(value)) {
                throw TritonException.internal(TritonJson.NOT_UINT);
            }
            // Triton keeps the level as int32.
            change = change.withVerbose((int) Math.min(Integer.MAX_VALUE, Math.max(0, value.longValue())));
        }
        if ((value = present(request, "log_format")) != null) {
            if (!value.isTextual()) {
                throw TritonException.internal(TritonJson.NOT_STRING);
            }
            LogFormat format = LogFormat.fromTritonName(value.textValue());
            if (format == null) {
                throw new TritonException(TritonCode.UNAVAILABLE,
                        "invalid argument for --log_format, got: " + value.textValue());
            }
            change = change.withFormat(format);
        }
        return change;
    }

    private JsonNode parse(byte[] body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw JsonSyntaxErrors.malformed(e, 0);
        } catch (CharConversionException notUtf8) {
            throw JsonSyntaxErrors.notUtf8();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean bool(JsonNode value) {
        if (!value.isBoolean()) {
            throw TritonException.internal(TritonJson.NOT_BOOLEAN);
        }
        return value.booleanValue();
    }

    /** The member unless it is missing or JSON null (Triton skips both). */
    private static JsonNode present(JsonNode request, String name) {
        JsonNode value = TritonJson.find(request, name);
        return value == null || value.isNull() ? null : value;
    }
}
