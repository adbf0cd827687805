package dev.jepserve.inference;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BytesElementsTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void buildsLittleEndianLengthPrefixedElements() {
        ByteBuffer built = BytesElements.build(List.of(utf8("ab"), new byte[0], utf8("xyz")));

        byte[] expected = {2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 3, 0, 0, 0, 'x', 'y', 'z'};
        byte[] actual = new byte[built.remaining()];
        built.get(actual);
        assertThat(actual).containsExactly(expected);
    }

    @Test
    void splitAndCountRoundTrip() {
        List<byte[]> elements = List.of(utf8("hello"), new byte[0], new byte[] {0, (byte) 0xff});
        ByteBuffer built = BytesElements.build(elements);

        assertThat(BytesElements.count(built)).isEqualTo(3);
        assertThat(BytesElements.split(built)).containsExactly(utf8("hello"), new byte[0], new byte[] {0, (byte) 0xff});
        assertThat(built.position()).as("the buffer is not consumed").isZero();
    }

    @Test
    void encodedSizeCountsPrefixes() {
        assertThat(BytesElements.encodedSize(List.of(utf8("a"), utf8("bc")))).isEqualTo(4 + 1 + 4 + 2);
    }

    @Test
    void emptyBufferHasNoElements() {
        assertThat(BytesElements.count(ByteBuffer.allocate(0))).isZero();
    }

    @Test
    void readsFromPositionToLimitWhateverTheBufferOrder() {
        ByteBuffer buffer = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        buffer.put((byte) 9); // not part of the tensor
        buffer.order(ByteOrder.LITTLE_ENDIAN).putInt(1).put((byte) 'q');
        buffer.flip().position(1);

        assertThat(BytesElements.split(buffer)).containsExactly(utf8("q"));
    }

    @Test
    void truncatedPrefixIsRejected() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 'a', 5, 0});
        assertThatThrownBy(() -> BytesElements.count(buffer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated length prefix");
    }

    @Test
    void elementPastTheEndIsRejected() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 0, 0, 0, 'a'});
        assertThatThrownBy(() -> BytesElements.split(buffer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("claims 9 bytes");
    }

    @Test
    void hugeUnsignedLengthIsRejectedNotNegative() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'a'});
        assertThatThrownBy(() -> BytesElements.count(buffer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4294967295");
    }

    @Test
    void putWritesAtPositionAndKeepsOrder() {
        ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
        BytesElements.put(buffer, utf8("ok"));
        assertThat(buffer.position()).isEqualTo(6);
        assertThat(buffer.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(buffer.array()).startsWith(2, 0, 0, 0, 'o', 'k');
    }
}
