package dev.jepserve.http.endpoints;

import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;

/**
 * The system and CUDA shared-memory routes of a server that registers no regions: status lists none,
 * unregister has nothing to do, register is refused with a clear error. Clients probing for shared memory
 * (perf_analyzer's unregister-all, tritonclient's status calls) get well-formed answers instead of 404.
 */
public final class SharedMemoryEndpoints {
    private final String kind; // "system" or "cuda", as in the path

    public SharedMemoryEndpoints(String kind) {
        this.kind = kind;
    }

    /** {@code GET .../status}: no regions. */
    public Endpoint status() {
        return request -> {
            String region = request.param("region");
            if (region != null) {
                throw TritonException.notFound("Unable to find " + kind + " shared memory region: '" + region + "'");
            }
            return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, "[]"));
        };
    }

    /** {@code POST .../region/{r}/register}: refused. */
    public Endpoint register() {
        return request -> {
            String region = request.param("region");
            if (region == null) {
                throw TritonException.invalidArg("'region name' is necessary to register " + kind
                        + " shared memory region");
            }
            if (kind.equals("cuda")) {
                throw TritonException.invalidArg("failed to register CUDA shared memory region: '" + region
                        + "', GPUs not supported");
            }
            throw new TritonException(TritonCode.UNSUPPORTED, "failed to register system shared memory region: '"
                    + region + "', shared memory is not supported by this server");
        };
    }

    /** {@code POST [.../region/{r}]/unregister}: nothing is registered, so nothing to do. */
    public Endpoint unregister() {
        return request -> CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, new byte[0]));
    }
}
