package dev.jepserve.inference;

import java.util.HashMap;
import java.util.Map;

/**
 * Tensor element types with their three spellings: Triton's numeric code (what pb_utils' triton_dtype()
 * returns), the protocol name (HTTP/gRPC "datatype") and the config name (config.pbtxt "data_type").
 */
public enum DataType {
    BOOL(1, "BOOL", "TYPE_BOOL", 1),
    UINT8(2, "UINT8", "TYPE_UINT8", 1),
    UINT16(3, "UINT16", "TYPE_UINT16", 2),
    UINT32(4, "UINT32", "TYPE_UINT32", 4),
    UINT64(5, "UINT64", "TYPE_UINT64", 8),
    INT8(6, "INT8", "TYPE_INT8", 1),
    INT16(7, "INT16", "TYPE_INT16", 2),
    INT32(8, "INT32", "TYPE_INT32", 4),
    INT64(9, "INT64", "TYPE_INT64", 8),
    FP16(10, "FP16", "TYPE_FP16", 2),
    FP32(11, "FP32", "TYPE_FP32", 4),
    FP64(12, "FP64", "TYPE_FP64", 8),
    /** Variable-size elements, each a 4-byte little-endian length followed by its bytes. */
    BYTES(13, "BYTES", "TYPE_STRING", 0),
    BF16(14, "BF16", "TYPE_BF16", 2);

    private static final Map<String, DataType> BY_PROTOCOL_NAME = new HashMap<>();
    private static final Map<String, DataType> BY_CONFIG_NAME = new HashMap<>();
    private static final Map<Integer, DataType> BY_CODE = new HashMap<>();

    static {
        for (DataType type : values()) {
            BY_PROTOCOL_NAME.put(type.protocolName, type);
            BY_CONFIG_NAME.put(type.configName, type);
            BY_CODE.put(type.code, type);
        }
    }

    private final int code;
    private final String protocolName;
    private final String configName;
    private final int byteSize;

    DataType(int code, String protocolName, String configName, int byteSize) {
        this.code = code;
        this.protocolName = protocolName;
        this.configName = configName;
        this.byteSize = byteSize;
    }

    public int code() {
        return code;
    }

    public String protocolName() {
        return protocolName;
    }

    public String configName() {
        return configName;
    }

    /** Bytes per element; 0 for BYTES, whose elements have no fixed size. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFixedSize() {
        return byteSize > 0;
    }

    /** The type for a protocol name such as "FP32", or null when the name is unknown. */
    public static DataType fromProtocolName(String name) {
        return BY_PROTOCOL_NAME.get(name);
    }

    /** The type for a config name such as "TYPE_FP32", or null when the name is unknown or TYPE_INVALID. */
    public static DataType fromConfigName(String name) {
        return BY_CONFIG_NAME.get(name);
    }

    /** The type for a Triton numeric code, or null when the code is unknown. */
    public static DataType fromCode(int code) {
        return BY_CODE.get(code);
    }

    /** The type for a config-proto enum value, or null for TYPE_INVALID. */
    public static DataType fromConfig(dev.jepserve.config.proto.DataType configType) {
        return fromConfigName(configType.name());
    }
}
