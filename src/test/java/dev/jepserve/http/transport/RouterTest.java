package dev.jepserve.http.transport;

import dev.jepserve.http.MetricsRoutes;
import dev.jepserve.http.TritonRoutes;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterTest {
    private final Endpoint server = request -> null;
    private final Endpoint metadata = request -> null;
    private final Endpoint infer = request -> null;
    private final Endpoint stats = request -> null;

    private final Router router = Router.builder()
            .exact(HttpMethod.GET, "/v2", server)
            .exact(HttpMethod.GET, "/v2/models/stats", stats)
            .pattern(HttpMethod.GET, TritonRoutes.MODEL, metadata)
            .pattern(HttpMethod.POST, TritonRoutes.MODEL + "/infer", infer)
            .build();

    @Test
    void exactPath() {
        assertThat(router.resolve(HttpMethod.GET, "/v2")).isEqualTo(new Router.Matched(server, Map.of()));
    }

    @Test
    void modelWithoutVersion() {
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/add_sub"))
                .isEqualTo(new Router.Matched(metadata, Map.of("model", "add_sub")));
    }

    @Test
    void modelWithVersion() {
        assertThat(router.resolve(HttpMethod.POST, "/v2/models/add_sub/versions/12/infer"))
                .isEqualTo(new Router.Matched(infer, Map.of("model", "add_sub", "version", "12")));
    }

    @Test
    void versionMustBeDigits() {
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/m/versions/x")).isSameAs(Router.NotFound.INSTANCE);
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/m/versions/-1")).isSameAs(Router.NotFound.INSTANCE);
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/m/versions/")).isSameAs(Router.NotFound.INSTANCE);
    }

    @Test
    void queryStringIsIgnored() {
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/m?verbose=true"))
                .isEqualTo(new Router.Matched(metadata, Map.of("model", "m")));
        assertThat(router.resolve(HttpMethod.GET, "/v2?x=1")).isEqualTo(new Router.Matched(server, Map.of()));
    }

    @Test
    void trailingSlashIsNotFound() {
        assertThat(router.resolve(HttpMethod.GET, "/v2/")).isSameAs(Router.NotFound.INSTANCE);
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/m/")).isSameAs(Router.NotFound.INSTANCE);
    }

    @Test
    void unknownPathIsNotFound() {
        assertThat(router.resolve(HttpMethod.GET, "/v3")).isSameAs(Router.NotFound.INSTANCE);
        assertThat(router.resolve(HttpMethod.GET, "/")).isSameAs(Router.NotFound.INSTANCE);
        assertThat(router.resolve(HttpMethod.POST, "/v2/models/m/unknown")).isSameAs(Router.NotFound.INSTANCE);
    }

    @Test
    void wrongMethodOnKnownPathIsNotAllowed() {
        assertThat(router.resolve(HttpMethod.POST, "/v2")).isSameAs(Router.MethodNotAllowed.INSTANCE);
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/m/infer")).isSameAs(Router.MethodNotAllowed.INSTANCE);
        assertThat(router.resolve(HttpMethod.DELETE, "/v2/models/m")).isSameAs(Router.MethodNotAllowed.INSTANCE);
    }

    @Test
    void exactPathsWinOverPatterns() {
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/stats")).isEqualTo(new Router.Matched(stats, Map.of()));
    }

    @Test
    void pathIsNotPercentDecoded() {
        assertThat(router.resolve(HttpMethod.GET, "/v2/models/a%2Fb"))
                .isEqualTo(new Router.Matched(metadata, Map.of("model", "a%2Fb")));
    }

    @Test
    void sameRouteTwiceForOneMethodIsRefused() {
        Router.Builder builder = Router.builder().exact(HttpMethod.GET, "/x", server);
        assertThatThrownBy(() -> builder.exact(HttpMethod.GET, "/x", server)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void metricsRoutesAnswerEveryGetAndRefuseOtherMethods() {
        Router metrics = MetricsRoutes.create(() -> "x 1\n");
        assertThat(metrics.resolve(HttpMethod.GET, "/metrics")).isInstanceOf(Router.Matched.class);
        assertThat(metrics.resolve(HttpMethod.GET, "/metrics/")).isInstanceOf(Router.Matched.class);
        assertThat(metrics.resolve(HttpMethod.GET, "/anything/else")).isInstanceOf(Router.Matched.class);
        assertThat(metrics.resolve(HttpMethod.POST, "/metrics")).isSameAs(Router.MethodNotAllowed.INSTANCE);
        assertThat(metrics.resolve(HttpMethod.PUT, "/other")).isSameAs(Router.MethodNotAllowed.INSTANCE);
    }
}
