package dev.jepserve.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Renders a protobuf message as compact JSON the way Triton's ModelConfigToJson does: snake_case names in
 * .proto declaration order, every scalar/enum/repeated/map field of a present message printed even when
 * default, unset sub-messages and unset oneof members left out, enums by name, map entries sorted by key.
 *
 * <p>64-bit integers are JSON strings (protobuf's rule) except at the paths Triton converts back to numbers.
 */
final class ConfigJsonRenderer {
    /**
     * Dotted field paths (from ModelConfig; map values add ".value") whose int64/uint64 values Triton turns
     * back into JSON numbers. Everything else 64-bit stays a string, including
     * sequence_batching.state.initial_state.dims, which Triton's fix-up code misses.
     */
    private static final Set<String> INT64_AS_NUMBER = Set.of(
            "input.dims",
            "input.reshape.shape",
            "output.dims",
            "output.reshape.shape",
            "version_policy.specific.versions",
            "dynamic_batching.max_queue_delay_microseconds",
            "dynamic_batching.priority_levels",
            "dynamic_batching.default_priority_level",
            "dynamic_batching.default_queue_policy.default_timeout_microseconds",
            "dynamic_batching.priority_queue_policy.value.default_timeout_microseconds",
            "sequence_batching.max_sequence_idle_microseconds",
            "sequence_batching.oldest.max_queue_delay_microseconds",
            "sequence_batching.direct.max_queue_delay_microseconds",
            "sequence_batching.state.dims",
            "ensemble_scheduling.step.model_version",
            "model_warmup.inputs.value.dims");

    private final StringBuilder out = new StringBuilder();

    private ConfigJsonRenderer() {
    }

    static String render(Message message) {
        ConfigJsonRenderer renderer = new ConfigJsonRenderer();
        renderer.writeMessage(message, "");
        return renderer.out.toString();
    }

    private void writeMessage(Message message, String path) {
        out.append('{');
        boolean first = true;
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (!isPrinted(message, field)) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            JsonText.appendString(out, field.getName());
            out.append(':');
            String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
            writeField(message, field, fieldPath);
        }
        out.append('}');
    }

    private static boolean isPrinted(Message message, FieldDescriptor field) {
        if (field.getRealContainingOneof() != null) {
            return message.hasField(field);
        }
        if (field.isRepeated()) {
            return true;
        }
        return field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || message.hasField(field);
    }

    private void writeField(Message message, FieldDescriptor field, String path) {
        if (field.isMapField()) {
            writeMap((List<?>) message.getField(field), field, path);
        } else if (field.isRepeated()) {
            out.append('[');
            List<?> values = (List<?>) message.getField(field);
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeValue(field, values.get(i), path);
            }
            out.append(']');
        } else {
            writeValue(field, message.getField(field), path);
        }
    }

    private void writeMap(List<?> entries, FieldDescriptor field, String path) {
        FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        List<Message> sorted = new ArrayList<>();
        for (Object entry : entries) {
            sorted.add((Message) entry);
        }
        sorted.sort(Comparator.comparing(entry -> entry.getField(keyField), ConfigJsonRenderer::compareKeys));
        out.append('{');
        for (int i = 0; i < sorted.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Message entry = sorted.get(i);
            JsonText.appendString(out, mapKeyText(keyField, entry.getField(keyField)));
            out.append(':');
            writeValue(valueField, entry.getField(valueField), path + ".value");
        }
        out.append('}');
    }

    private static int compareKeys(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compareUnsigned(x, y);
        }
        if (a instanceof Integer x && b instanceof Integer y) {
            return Integer.compareUnsigned(x, y);
        }
        return a.toString().compareTo(b.toString());
    }

    private static String mapKeyText(FieldDescriptor keyField, Object key) {
        return switch (keyField.getType()) {
            case UINT32, FIXED32 -> Integer.toUnsignedString((Integer) key);
            case UINT64, FIXED64 -> Long.toUnsignedString((Long) key);
            default -> key.toString();
        };
    }

    private void writeValue(FieldDescriptor field, Object value, String path) {
        switch (field.getType()) {
            case MESSAGE, GROUP -> writeMessage((Message) value, path);
            case INT32, SINT32, SFIXED32 -> out.append((int) (Integer) value);
            case UINT32, FIXED32 -> out.append(Integer.toUnsignedString((Integer) value));
            case INT64, SINT64, SFIXED64 -> writeInt64(Long.toString((Long) value), path);
            case UINT64, FIXED64 -> writeInt64(Long.toUnsignedString((Long) value), path);
            case FLOAT -> out.append(JsonText.floatNumber((Float) value));
            case DOUBLE -> out.append(JsonText.doubleNumber((Double) value));
            case BOOL -> out.append((boolean) (Boolean) value);
            case STRING -> JsonText.appendString(out, (String) value);
            case BYTES -> JsonText.appendString(out, Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> writeEnum((EnumValueDescriptor) value);
        }
    }

    private void writeInt64(String digits, String path) {
        if (INT64_AS_NUMBER.contains(path)) {
            out.append(digits);
        } else {
            out.append('"').append(digits).append('"');
        }
    }

    private void writeEnum(EnumValueDescriptor value) {
        // An enum number the .proto does not declare is printed as a number, as protobuf does.
        if (value.getType().findValueByNumber(value.getNumber()) == null) {
            out.append(value.getNumber());
        } else {
            JsonText.appendString(out, value.getName());
        }
    }
}
