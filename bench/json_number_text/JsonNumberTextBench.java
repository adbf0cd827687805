package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

/**
 * 1M FP32 values encoded as a JSON array three ways, same bytes each: our writer (DoubleText into a reused chunk),
 * Jackson's generator with USE_FAST_DOUBLE_WRITER (writeNumber per value), and Jackson's NumberOutput text copied
 * into a chunk. Thread CPU, median and min of 15 after 10 warm-up rounds. Run with bench/json_number_text/run.sh.
 */
public final class JsonNumberTextBench {
    interface Encoder { int encode(Tensor t, ByteArrayOutputStream out) throws IOException; }

    public static void main(String[] args) throws Exception {
        int n = 1_000_000;
        ByteBuffer data = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        Random random = new Random(7);
        for (int i = 0; i < n; i++) data.putFloat(i * 4, (float) (random.nextGaussian() * 100));
        Tensor tensor = new Tensor("T", DataType.FP32, new long[] {n}, data);
        Encoder ours = (t, out) -> {
            try (JsonGenerator gen = JsonSupport.WRITER_FACTORY.createGenerator(out)) { JsonTensorWriter.writeData(gen, out, t); }
            return out.size();
        };
        Encoder jacksonGenerator = (t, out) -> {
            ByteBuffer d = t.data().order(ByteOrder.LITTLE_ENDIAN);
            try (JsonGenerator gen = JsonSupport.WRITER_FACTORY.createGenerator(out)) {
                gen.writeStartArray();
                for (int i = 0; i < n; i++) gen.writeNumber((double) d.getFloat(i * 4));
                gen.writeEndArray();
            }
            return out.size();
        };
        Encoder jacksonText = (t, out) -> {
            ByteBuffer d = t.data().order(ByteOrder.LITTLE_ENDIAN);
            byte[] chunk = new byte[32 * 1024];
            int at = 0;
            chunk[at++] = '[';
            for (int i = 0; i < n; i++) {
                if (at > chunk.length - 26) { out.write(chunk, 0, at); at = 0; }
                if (i > 0) chunk[at++] = ',';
                String s = NumberOutput.toString((double) d.getFloat(i * 4), true);
                for (int c = 0; c < s.length(); c++) chunk[at++] = (byte) s.charAt(c);
            }
            chunk[at++] = ']';
            out.write(chunk, 0, at);
            return out.size();
        };
        ByteArrayOutputStream a = new ByteArrayOutputStream(), b = new ByteArrayOutputStream(), c = new ByteArrayOutputStream();
        ours.encode(tensor, a); jacksonGenerator.encode(tensor, b); jacksonText.encode(tensor, c);
        if (!Arrays.equals(a.toByteArray(), b.toByteArray()) || !Arrays.equals(a.toByteArray(), c.toByteArray()))
            throw new AssertionError("outputs differ");
        System.out.println("bytes of JSON: " + a.size());
        String[] names = {"ours (DoubleText)", "Jackson generator writeNumber", "Jackson NumberOutput.toString"};
        Encoder[] encoders = {ours, jacksonGenerator, jacksonText};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[][] times = new long[3][15];
        for (int warm = 0; warm < 10; warm++) for (Encoder e : encoders) e.encode(tensor, new ByteArrayOutputStream(24 << 20));
        for (int round = 0; round < 15; round++) {
            for (int k = 0; k < 3; k++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(24 << 20);
                long start = mx.getCurrentThreadCpuTime();
                encoders[k].encode(tensor, out);
                times[k][round] = mx.getCurrentThreadCpuTime() - start;
            }
        }
        for (int k = 0; k < 3; k++) {
            long[] t = times[k].clone(); Arrays.sort(t);
            System.out.printf("%-32s median %6.1f ms  min %6.1f ms (thread CPU, 1M FP32)%n", names[k], t[7] / 1e6, t[0] / 1e6);
        }
    }
}
