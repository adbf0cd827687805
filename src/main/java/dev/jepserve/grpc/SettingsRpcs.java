package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.TraceSettingRequest;
import dev.jepserve.grpc.proto.TraceSettingResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

/**
 * TraceSetting, read-only: answers the settings in Triton's keys and value kinds (tracing is off). Changing a
 * setting is refused as unsupported.
 */
final class SettingsRpcs {
    private final InferenceService service;

    SettingsRpcs(InferenceService service) {
        this.service = service;
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

    private static TraceSettingResponse.SettingValue trace(String value) {
        return TraceSettingResponse.SettingValue.newBuilder().addValue(value).build();
    }
}
