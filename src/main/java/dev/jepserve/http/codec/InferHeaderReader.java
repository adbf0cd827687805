package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.jepserve.inference.TritonException;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The first of two passes over an /infer JSON header. It streams through the whole header, so every syntax
 * error is found here and first, as when the header was parsed in one go, and builds a tree of the small
 * parts only: {@code id}, {@code parameters}, {@code outputs} and every input's members, except that an input's
 * {@code data} array is skipped over (tokenized, not converted) and stands in the tree as a {@link JsonSpan}
 * held by a {@link POJONode}. The second pass parses each span on its own, once the input's datatype and shape
 * are known, straight into the input's buffer ({@link JsonTensorData}). Two passes because {@code data} may come
 * before {@code datatype} and {@code shape} in an input object.
 */
final class InferHeaderReader {
    private final ObjectMapper json;

    InferHeaderReader(ObjectMapper json) {
        this.json = json;
    }

    /** @throws TritonException 500 with Triton's text when the header is not one well-formed JSON value */
    JsonNode read(JsonHeaderBytes header) {
        try (JsonParser parser = header.parser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw JsonSyntaxErrors.malformed("The document is empty.", 0);
            }
            JsonNode root = first == JsonToken.START_OBJECT ? readRequest(parser) : json.readTree(parser);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw JsonSyntaxErrors.malformed("The document root must not be followed by other values.",
                        offset(parser));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw malformed(e, 0);
        } catch (CharConversionException notUtf8) {
            throw JsonSyntaxErrors.notUtf8();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The span standing for an input's {@code data}.
     *
     * @throws TritonException like {@link TritonJson#memberAsArray} when {@code data} is missing or not an array
     */
    static JsonSpan dataSpan(JsonNode input) {
        JsonNode data = TritonJson.member(input, "data", "Unable to parse 'data'");
        if (data instanceof POJONode holder && holder.getPojo() instanceof JsonSpan span) {
            return span;
        }
        throw TritonJson.failure("Unable to parse 'data'", TritonJson.NOT_ARRAY);
    }

    /** Triton's text for a header that is not well-formed; {@code base} is where the parsed bytes start. */
    static TritonException malformed(JsonProcessingException e, long base) {
        return JsonSyntaxErrors.malformed(e, base);
    }

    /** The request object; the parser is at its START_OBJECT and is left at its END_OBJECT. */
    private ObjectNode readRequest(JsonParser parser) throws IOException {
        ObjectNode request = json.createObjectNode();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            request.set(name, name.equals("inputs") && value == JsonToken.START_ARRAY ? readInputs(parser)
                    : json.readTree(parser));
        }
        return request;
    }

    private ArrayNode readInputs(JsonParser parser) throws IOException {
        ArrayNode inputs = json.createArrayNode();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            inputs.add(token == JsonToken.START_OBJECT ? readInput(parser) : json.readTree(parser));
        }
        return inputs;
    }

    private ObjectNode readInput(JsonParser parser) throws IOException {
        ObjectNode input = json.createObjectNode();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            if (name.equals("data") && value == JsonToken.START_ARRAY) {
                long open = offset(parser);
                parser.skipChildren();
                long close = offset(parser);
                input.set(name, new POJONode(new JsonSpan((int) open, (int) (close - open + 1))));
            } else {
                input.set(name, json.readTree(parser));
            }
        }
        return input;
    }

    /** The byte offset of the current token from the start of the header. */
    private static long offset(JsonParser parser) {
        return parser.currentTokenLocation().getByteOffset();
    }
}
