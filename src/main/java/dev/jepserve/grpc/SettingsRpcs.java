package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.LogSettingsRequest;
import dev.jepserve.grpc.proto.LogSettingsResponse;
import dev.jepserve.grpc.proto.TraceSettingRequest;
import dev.jepserve.grpc.proto.TraceSettingResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.util.function.IntSupplier;

/**
 * TraceSetting and LogSettings, read-only: both answer the current settings in Triton's keys and value kinds
 * (tracing is off; logs go to the console). Changing a setting is refused as unsupported.
 */
final class SettingsRpcs {
    private final InferenceService service;
    private final IntSupplier logVerboseLevel;

    /** @param logVerboseLevel the server's --log-verbose level */
    SettingsRpcs(InferenceService service, IntSupplier logVerboseLevel) {
        this.service = service;
        this.logVerboseLevel = logVerboseLevel;
    }

    TraceSettingResponse traceSetting(TraceSettingRequest request) {
        if (!request.getModelName().isEmpty()) {
            service.model(request.getModelName(), ""); // an unknown model is an error, as in Triton
        }
        if (request.getSettingsCount() > 0) {
            throw new TritonException(TritonCode.UNSUPPORTED,
                    "trace settings can not be updated: tracing is not supported by this server");
        }
        return TraceSettingResponse.newBuilder()
                .putSettings("trace_level", trace("OFF"))
                .putSettings("trace_rate", trace("1000"))
                .putSettings("trace_count", trace("-1"))
                .putSettings("log_frequency", trace("0"))
                .putSettings("trace_file", trace(""))
                .putSettings("trace_mode", trace("triton"))
                .build();
    }

    LogSettingsResponse logSettings(LogSettingsRequest request) {
        if (request.containsSettings("log_file")) {
            throw new TritonException(TritonCode.UNSUPPORTED,
                    "log file location can not be updated through network protocol");
        }
        if (request.getSettingsCount() > 0) {
            throw new TritonException(TritonCode.UNSUPPORTED,
                    "log settings can not be updated through network protocol by this server");
        }
        return LogSettingsResponse.newBuilder()
                .putSettings("log_file", LogSettingsResponse.SettingValue.newBuilder().setStringParam("").build())
                .putSettings("log_info", flag(true))
                .putSettings("log_warning", flag(true))
                .putSettings("log_error", flag(true))
                .putSettings("log_verbose_level", LogSettingsResponse.SettingValue.newBuilder()
                        .setUint32Param(logVerboseLevel.getAsInt()).build())
                .putSettings("log_format", LogSettingsResponse.SettingValue.newBuilder().setStringParam("default")
                        .build())
                .build();
    }

    private static TraceSettingResponse.SettingValue trace(String value) {
        return TraceSettingResponse.SettingValue.newBuilder().addValue(value).build();
    }

    private static LogSettingsResponse.SettingValue flag(boolean value) {
        return LogSettingsResponse.SettingValue.newBuilder().setBoolParam(value).build();
    }
}
