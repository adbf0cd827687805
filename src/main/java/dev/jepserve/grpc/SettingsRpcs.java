package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.TraceSettingRequest;
import dev.jepserve.grpc.proto.TraceSettingResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.trace.TraceManager;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TraceSetting: with no settings it answers those in force (globally, or for the named model); with settings it
 * changes them first, a setting with no value clearing it, as tritonclient sends None.
 */
final class SettingsRpcs {
    private final InferenceService service;
    private final TraceManager traces;

    SettingsRpcs(InferenceService service, TraceManager traces) {
        this.service = service;
        this.traces = traces;
    }

    TraceSettingResponse traceSetting(TraceSettingRequest request) {
        String model = request.getModelName();
        if (!model.isEmpty()) {
            service.model(model, ""); // an unknown model is an error, as in Triton
        }
        Map<String, List<String>> settings;
        if (request.getSettingsCount() > 0) {
            Map<String, List<String>> changes = new LinkedHashMap<>();
            for (Map.Entry<String, TraceSettingRequest.SettingValue> setting : request.getSettingsMap().entrySet()) {
                List<String> values = setting.getValue().getValueList();
                changes.put(setting.getKey(), values.isEmpty() ? null : values);
            }
            settings = traces.update(model, changes);
        } else {
            settings = traces.settings(model);
        }
        TraceSettingResponse.Builder response = TraceSettingResponse.newBuilder();
        for (Map.Entry<String, List<String>> setting : settings.entrySet()) {
            response.putSettings(setting.getKey(),
                    TraceSettingResponse.SettingValue.newBuilder().addAllValue(setting.getValue()).build());
        }
        return response.build();
    }
}
