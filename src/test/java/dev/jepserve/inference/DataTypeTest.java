package dev.jepserve.inference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class DataTypeTest {
    @ParameterizedTest
    @CsvSource({
        "BOOL, TYPE_BOOL, 1, 1",
        "UINT8, TYPE_UINT8, 2, 1",
        "UINT16, TYPE_UINT16, 3, 2",
        "UINT32, TYPE_UINT32, 4, 4",
        "UINT64, TYPE_UINT64, 5, 8",
        "INT8, TYPE_INT8, 6, 1",
        "INT16, TYPE_INT16, 7, 2",
        "INT32, TYPE_INT32, 8, 4",
        "INT64, TYPE_INT64, 9, 8",
        "FP16, TYPE_FP16, 10, 2",
        "FP32, TYPE_FP32, 11, 4",
        "FP64, TYPE_FP64, 12, 8",
        "BYTES, TYPE_STRING, 13, 0",
        "BF16, TYPE_BF16, 14, 2",
    })
    void mapsProtocolConfigAndCodeSpellings(String protocol, String config, int code, int size) {
        DataType type = DataType.fromProtocolName(protocol);
        assertThat(type).isNotNull();
        assertThat(type.configName()).isEqualTo(config);
        assertThat(type.code()).isEqualTo(code);
        assertThat(type.byteSize()).isEqualTo(size);
        assertThat(DataType.fromConfigName(config)).isSameAs(type);
        assertThat(DataType.fromCode(code)).isSameAs(type);
        assertThat(DataType.fromConfig(dev.jepserve.config.proto.DataType.valueOf(config))).isSameAs(type);
    }

    @Test
    void stringIsBytesOnTheWireAndUnknownNamesAreNull() {
        assertThat(DataType.fromConfigName("TYPE_STRING")).isEqualTo(DataType.BYTES);
        assertThat(DataType.fromProtocolName("STRING")).isNull();
        assertThat(DataType.fromConfigName("TYPE_INVALID")).isNull();
        assertThat(DataType.fromCode(0)).isNull();
        assertThat(DataType.BYTES.isFixedSize()).isFalse();
        assertThat(DataType.FP32.isFixedSize()).isTrue();
    }
}
