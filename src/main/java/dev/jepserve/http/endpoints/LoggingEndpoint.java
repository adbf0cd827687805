package dev.jepserve.http.endpoints;

import dev.jepserve.http.codec.JsonSupport;
import dev.jepserve.http.codec.LogSettingsDecoder;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.logging.LogController;
import dev.jepserve.logging.LogOptions;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The logging extension: {@code GET /v2/logging} answers the settings in force, {@code POST /v2/logging}
 * changes those its body names first. Both answer
 * {@code {"log_file","log_info","log_warning","log_error","log_verbose_level","log_format"}} in that order.
 */
public final class LoggingEndpoint implements Endpoint {
    private final LogController logs;
    private final LogSettingsDecoder decoder = new LogSettingsDecoder();

    public LoggingEndpoint(LogController logs) {
        this.logs = logs;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        LogOptions settings = logs.settings();
        if (HttpMethod.POST.equals(request.http().method())) {
            // The body is a few bytes: decoding it on the event loop costs less than a hop elsewhere.
            settings = logs.update(decoder.decode(ByteBufUtil.getBytes(request.http().content())));
        }
        LogOptions answered = settings;
        byte[] json = JsonSupport.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("log_file", answered.file() == null ? "" : answered.file().toString());
            gen.writeBooleanField("log_info", answered.info());
            gen.writeBooleanField("log_warning", answered.warning());
            gen.writeBooleanField("log_error", answered.error());
            gen.writeNumberField("log_verbose_level", answered.verbose());
            gen.writeStringField("log_format", answered.format().tritonName());
            gen.writeEndObject();
        });
        return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, json));
    }
}
