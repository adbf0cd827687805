package dev.jepserve.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Triton's classification extension, for every front end (HTTP's {@code classification} output parameter,
 * gRPC's alike): an output replaced by a BYTES tensor of its top-k entries, each
 * {@code "<value>:<index>"}, highest value first (ties keep index order), per batch entry when the model
 * batches. Values print like C++ {@code std::to_string}: integers as integers, floats with six decimals.
 * Labels (the output's {@code label_filename}) are not known here yet, so no {@code ":<label>"} suffix.
 */
public final class Classification {
    private Classification() {
    }

    /**
     * @param output   the model's output tensor
     * @param k        classes requested (> 0)
     * @param batching the model batches (max_batch_size > 0): the first dimension is the batch
     */
    public static Tensor topK(Tensor output, int k, boolean batching) {
        DataType type = output.dataType();
        if (!supported(type)) {
            throw TritonException.invalidArg("class result not available for output due to unsupported type '"
                    + type.protocolName() + "'");
        }
        long[] shape = output.shape();
        long batch = batching && shape.length > 0 ? shape[0] : 0;
        long perEntry = Tensor.elementCount(batch == 0 ? shape : Arrays.copyOfRange(shape, 1, shape.length));
        ByteBuffer data = output.data().order(ByteOrder.LITTLE_ENDIAN);
        long entryBytes = perEntry * type.byteSize();
        List<byte[]> classes = new ArrayList<>();
        for (long entry = 0; entry < Math.max(1, batch); entry++) {
            long start = entry * entryBytes;
            // Like Triton, an entry the data does not fully cover yields no classes.
            int count = start + entryBytes > data.limit() ? 0 : (int) perEntry;
            for (String text : entryTopK(data, (int) start, count, type, k)) {
                classes.add(text.getBytes(StandardCharsets.UTF_8));
            }
        }
        long kept = Math.min(k, perEntry);
        long[] classShape = batch > 0 ? new long[] {batch, kept} : new long[] {kept};
        return new Tensor(output.name(), DataType.BYTES, classShape, BytesElements.build(classes));
    }

    private static List<String> entryTopK(ByteBuffer data, int start, int count, DataType type, int k) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Comparator<Integer> ascending = comparator(data, start, type);
        Arrays.sort(order, ascending.reversed()); // stable: equal values keep index order
        int kept = Math.min(k, count);
        List<String> texts = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            texts.add(format(data, start, order[i], type) + ":" + order[i]);
        }
        return texts;
    }

    private static boolean supported(DataType type) {
        return switch (type) {
            case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP32, FP64 -> true;
            default -> false;
        };
    }

    private static Comparator<Integer> comparator(ByteBuffer data, int start, DataType type) {
        return switch (type) {
            case FP32, FP64 -> Comparator.comparingDouble(i -> asDouble(data, start, i, type));
            case UINT64 -> (a, b) -> Long.compareUnsigned(asLong(data, start, a, type), asLong(data, start, b, type));
            default -> Comparator.comparingLong(i -> asLong(data, start, i, type));
        };
    }

    private static double asDouble(ByteBuffer data, int start, int index, DataType type) {
        return type == DataType.FP32 ? data.getFloat(start + index * 4) : data.getDouble(start + index * 8);
    }

    private static long asLong(ByteBuffer data, int start, int index, DataType type) {
        int at = start + index * type.byteSize();
        return switch (type) {
            case UINT8 -> Byte.toUnsignedLong(data.get(at));
            case UINT16 -> Short.toUnsignedLong(data.getShort(at));
            case UINT32 -> Integer.toUnsignedLong(data.getInt(at));
            case INT8 -> data.get(at);
            case INT16 -> data.getShort(at);
            case INT32 -> data.getInt(at);
            default -> data.getLong(at); // INT64, UINT64
        };
    }

    private static String format(ByteBuffer data, int start, int index, DataType type) {
        return switch (type) {
            case FP32, FP64 -> String.format(Locale.ROOT, "%f", asDouble(data, start, index, type));
            case UINT64 -> Long.toUnsignedString(asLong(data, start, index, type));
            default -> Long.toString(asLong(data, start, index, type));
        };
    }
}
