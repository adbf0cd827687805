package dev.jepserve.api;

import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tensors from Java arrays in Triton's layout, read back through InferResult, and the metrics lookup; no server. */
class TensorsAndResultsTest {
    private static InferResult result(Tensor... outputs) {
        return InferResult.of(new InferenceResponse("m", "1", "", Map.of(), List.of(outputs)));
    }

    @Test
    void fixedSizeTensorsAreDirectLittleEndianAndReadBack() {
        Tensor floats = Tensors.fp32("F", new float[] {1.5f, -2f, 3f, 4f}, 2, 2);
        assertThat(floats.data().isDirect()).isTrue();
        assertThat(floats.shape()).containsExactly(2, 2);
        assertThat(floats.byteSize()).isEqualTo(16);
        assertThat(floats.data().order(ByteOrder.LITTLE_ENDIAN).getFloat(4)).isEqualTo(-2f);

        InferResult result = result(floats, Tensors.int64("L", new long[] {1L << 40, -1}),
                Tensors.int32("I", new int[] {7}), Tensors.fp64("D", new double[] {0.25}),
                Tensors.bool("B", new boolean[] {true, false}), Tensors.uint8("U", new byte[] {(byte) 255}));
        assertThat(result.floats("F")).containsExactly(1.5f, -2f, 3f, 4f);
        assertThat(result.longs("L")).containsExactly(1L << 40, -1);
        assertThat(result.ints("I")).containsExactly(7);
        assertThat(result.doubles("D")).containsExactly(0.25);
        assertThat(result.byteValues("B")).containsExactly(1, 0);
        assertThat(result.byteValues("U")).containsExactly((byte) 255);
        assertThat(result.outputNames()).containsExactly("F", "L", "I", "D", "B", "U");
    }

    @Test
    void bytesTensorsUseTritonsLengthPrefixedLayout() {
        Tensor strings = Tensors.strings("S", List.of("a", "wörld", ""));
        ByteBuffer data = strings.data().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.getInt(0)).isEqualTo(1);
        assertThat(data.get(4)).isEqualTo((byte) 'a');
        assertThat(data.getInt(5)).isEqualTo(6);
        assertThat(strings.byteSize()).isEqualTo(4 + 1 + 4 + 6 + 4);
        assertThat(result(strings).strings("S")).containsExactly("a", "wörld", "");
    }

    @Test
    void wrongShapesTypesAndNamesAreRefused() {
        assertThatThrownBy(() -> Tensors.int32("X", new int[] {1, 2}, 3))
                .hasMessage("tensor 'X': shape [3] holds 3 elements, not 2");
        assertThatThrownBy(() -> Tensors.of("X", DataType.FP32, new long[] {2}, ByteBuffer.allocate(4)))
                .hasMessageContaining("4 bytes do not hold 2 FP32 elements");
        InferResult result = result(Tensors.int32("I", new int[] {1}));
        assertThatThrownBy(() -> result.floats("I")).hasMessage("output 'I' is INT32, not FP32");
        assertThatThrownBy(() -> result.floats("nope")).hasMessageContaining("has no output 'nope'");
    }

    @Test
    void aHeapBufferIsCopiedADirectOneIsUsedAsItIs() {
        ByteBuffer heap = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 42);
        Tensor copied = Tensors.of("X", DataType.INT32, new long[] {1}, heap);
        heap.putInt(0, 0);
        assertThat(result(copied).ints("X")).containsExactly(42);

        ByteBuffer direct = ByteBuffer.allocateDirect(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 42);
        Tensor shared = Tensors.of("X", DataType.INT32, new long[] {1}, direct);
        direct.putInt(0, 43);
        assertThat(result(shared).ints("X")).containsExactly(43);
    }

    @Test
    void metricLookupMatchesNameAndExactLabels() {
        String text = """
                # HELP nv_inference_count Number of inferences performed
                # TYPE nv_inference_count counter
                nv_inference_count{model="a",version="1"} 3
                nv_inference_count_total{model="b",version="1"} 9
                nv_inference_count{model="b",version="1"} 5
                custom{path="x\\"y",model="b"} 1.5e3
                nv_cpu_utilization 0.25
                h_bucket{le="+Inf"} 7
                """;
        assertThat(MetricsText.value(text, "nv_inference_count", Map.of("model", "b", "version", "1"))).hasValue(5);
        assertThat(MetricsText.value(text, "nv_inference_count", Map.of("model", "b"))).isEmpty();
        assertThat(MetricsText.value(text, "custom", Map.of("path", "x\"y", "model", "b"))).hasValue(1500);
        assertThat(MetricsText.value(text, "nv_cpu_utilization", Map.of())).hasValue(0.25);
        assertThat(MetricsText.value(text, "h_bucket", Map.of("le", "+Inf"))).hasValue(7);
        assertThat(MetricsText.value(text, "nv_cpu", Map.of())).isEmpty();
    }
}
