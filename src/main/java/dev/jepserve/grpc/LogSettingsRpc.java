package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.LogSettingsRequest;
import dev.jepserve.grpc.proto.LogSettingsResponse;
import dev.jepserve.grpc.proto.LogSettingsRequest.SettingValue.ParameterChoiceCase;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import dev.jepserve.logging.LogController;
import dev.jepserve.logging.LogFormat;
import dev.jepserve.logging.LogOptions;
import dev.jepserve.logging.LogSettingsChange;

import java.util.Map;

/**
 * The LogSettings RPC: changes the settings named in the request (Triton's keys, each with the value kind
 * Triton expects), then answers every setting now in force. A wrong kind or value refuses the whole request
 * with Triton's gRPC texts, which differ from the HTTP ones.
 */
final class LogSettingsRpc {
    private final LogController logs;

    LogSettingsRpc(LogController logs) {
        this.logs = logs;
    }

    LogSettingsResponse handle(LogSettingsRequest request) {
        LogOptions settings = request.getSettingsCount() == 0 ? logs.settings() : logs.update(change(request));
        return LogSettingsResponse.newBuilder()
                .putSettings("log_file", text(settings.file() == null ? "" : settings.file().toString()))
                .putSettings("log_info", flag(settings.info()))
                .putSettings("log_warning", flag(settings.warning()))
                .putSettings("log_error", flag(settings.error()))
                .putSettings("log_verbose_level", LogSettingsResponse.SettingValue.newBuilder()
                        .setUint32Param(settings.verbose()).build())
                .putSettings("log_format", text(settings.format().tritonName()))
                .build();
    }

    private static LogSettingsChange change(LogSettingsRequest request) {
        Map<String, LogSettingsRequest.SettingValue> settings = request.getSettingsMap();
        if (settings.containsKey("log_file")) {
            throw new TritonException(TritonCode.UNSUPPORTED,
                    "log file location can not be updated through network protocol");
        }
        LogSettingsChange change = LogSettingsChange.none();
        LogSettingsRequest.SettingValue value;
        if ((value = settings.get("log_info")) != null) {
            change = change.withInfo(bool("log_info", value));
        }
        if ((value = settings.get("log_warning")) != null) {
            change = change.withWarning(bool("log_warning", value));
        }
        if ((value = settings.get("log_error")) != null) {
            change = change.withError(bool("log_error", value));
        }
        if ((value = settings.get("log_verbose_level")) != null) {
            if (value.getParameterChoiceCase() != ParameterChoiceCase.UINT32_PARAM) {
                throw TritonException.invalidArg("expect int32 for 'log_verbose_level'");
            }
            // Triton keeps the level as int32.
            change = change.withVerbose(Math.max(0, value.getUint32Param()));
        }
        if ((value = settings.get("log_format")) != null) {
            if (value.getParameterChoiceCase() != ParameterChoiceCase.STRING_PARAM) {
                throw TritonException.invalidArg("expect string for 'log_format'");
            }
            LogFormat format = LogFormat.fromTritonName(value.getStringParam());
            if (format == null) {
                throw TritonException.invalidArg("invalid argument for log_format, got: " + value.getStringParam());
            }
            change = change.withFormat(format);
        }
        return change;
    }

    private static boolean bool(String name, LogSettingsRequest.SettingValue value) {
        if (value.getParameterChoiceCase() != ParameterChoiceCase.BOOL_PARAM) {
            throw TritonException.invalidArg("expect boolean for '" + name + "'");
        }
        return value.getBoolParam();
    }

    private static LogSettingsResponse.SettingValue flag(boolean value) {
        return LogSettingsResponse.SettingValue.newBuilder().setBoolParam(value).build();
    }

    private static LogSettingsResponse.SettingValue text(String value) {
        return LogSettingsResponse.SettingValue.newBuilder().setStringParam(value).build();
    }
}
