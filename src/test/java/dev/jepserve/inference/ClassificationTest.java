package dev.jepserve.inference;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassificationTest {
    private static List<String> strings(Tensor tensor) {
        return BytesElements.split(tensor.data()).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void topKPerBatchEntryHighestFirst() {
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {5, 9, 1, 0, 7, 7}) {
            data.putInt(v);
        }
        Tensor classes = Classification.topK(new Tensor("C", DataType.INT32, new long[] {2, 3}, data.flip()), 2, true);

        assertThat(classes.dataType()).isEqualTo(DataType.BYTES);
        assertThat(classes.shape()).containsExactly(2, 2);
        assertThat(strings(classes)).containsExactly("9:1", "5:0", "7:1", "7:2");
    }

    @Test
    void withoutBatchingTheWholeTensorIsOneEntryAndKIsCapped() {
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(0.75f).flip();
        Tensor classes = Classification.topK(new Tensor("P", DataType.FP32, new long[] {2}, data), 5, false);
        assertThat(classes.shape()).containsExactly(2);
        assertThat(strings(classes)).containsExactly("0.750000:1", "0.250000:0");
    }

    @Test
    void unsignedValuesCompareUnsigned() {
        Tensor classes = Classification.topK(new Tensor("U", DataType.UINT8, new long[] {2},
                ByteBuffer.wrap(new byte[] {(byte) 200, 100})), 1, false);
        assertThat(strings(classes)).containsExactly("200:0");
    }

    @Test
    void unsupportedTypes() {
        assertThatThrownBy(() -> Classification.topK(new Tensor("S", DataType.BYTES, new long[] {1},
                BytesElements.build(List.of(new byte[0]))), 1, false))
                .isInstanceOf(TritonException.class)
                .hasMessage("class result not available for output due to unsupported type 'BYTES'");
    }
}
