package dev.jepserve.cli;

import dev.jepserve.ServerOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Refuses two enabled endpoints on the same address and port before anything starts, as tritonserver does.
 * Addresses are compared as written (0.0.0.0 and 127.0.0.1 are different, as in tritonserver); port 0 (any
 * free port) never collides.
 */
final class PortCollisions {
    private PortCollisions() {
    }

    /** @throws UsageException naming the two endpoints that collide */
    static void check(ServerOptions options) {
        List<Endpoint> endpoints = new ArrayList<>();
        if (options.allowHttp()) {
            endpoints.add(new Endpoint("HTTP", options.httpAddress(), options.httpPort()));
        }
        if (options.allowGrpc()) {
            endpoints.add(new Endpoint("gRPC", options.grpcAddress(), options.grpcPort()));
        }
        if (options.allowMetrics()) {
            endpoints.add(new Endpoint("metrics", options.metricsAddress(), options.metricsPort()));
        }
        for (int i = 0; i < endpoints.size(); i++) {
            for (int j = i + 1; j < endpoints.size(); j++) {
                Endpoint a = endpoints.get(i);
                Endpoint b = endpoints.get(j);
                if (a.port() != 0 && a.port() == b.port() && a.address().equals(b.address())) {
                    throw new UsageException(a.name() + " and " + b.name() + " cannot both listen on "
                            + a.address() + ":" + a.port());
                }
            }
        }
    }

    private record Endpoint(String name, String address, int port) {
    }
}
