package dev.jepserve.http.transport;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a method and raw path to an endpoint. Exact paths are tried before patterns (as Triton matches
 * {@code /v2/models/stats} before the model regex); patterns in the order they were added and they must match
 * the whole path. The query string is ignored and the path is not percent-decoded. A path no route matches is
 * {@link NotFound}; a matched path without an endpoint for the method is {@link MethodNotAllowed}.
 */
public final class Router {
    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    private final Map<String, Map<HttpMethod, Endpoint>> exact;
    private final List<PatternRoute> patterns;

    private Router(Map<String, Map<HttpMethod, Endpoint>> exact, List<PatternRoute> patterns) {
        this.exact = exact;
        this.patterns = patterns;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Routes a request line's method and URI (origin form; anything after '?' is ignored). */
    public Resolution resolve(HttpMethod method, String uri) {
        String path = new QueryStringDecoder(uri).rawPath();
        Map<HttpMethod, Endpoint> byMethod = exact.get(path);
        if (byMethod != null) {
            return pick(byMethod, method, Map.of());
        }
        for (PatternRoute route : patterns) {
            Matcher matcher = route.pattern.matcher(path);
            if (matcher.matches()) {
                return pick(route.byMethod, method, route.capture(matcher));
            }
        }
        return NotFound.INSTANCE;
    }

    private static Resolution pick(Map<HttpMethod, Endpoint> byMethod, HttpMethod method, Map<String, String> params) {
        Endpoint endpoint = byMethod.get(method);
        return endpoint == null ? MethodNotAllowed.INSTANCE : new Matched(endpoint, params);
    }

    /** The outcome of routing. */
    public sealed interface Resolution permits Matched, NotFound, MethodNotAllowed {
    }

    public record Matched(Endpoint endpoint, Map<String, String> pathParams) implements Resolution {
    }

    public enum NotFound implements Resolution { INSTANCE }

    public enum MethodNotAllowed implements Resolution { INSTANCE }

    private static final class PatternRoute {
        final Pattern pattern;
        final List<String> groupNames;
        final Map<HttpMethod, Endpoint> byMethod;

        PatternRoute(String regex, Map<HttpMethod, Endpoint> byMethod) {
            this.pattern = Pattern.compile(regex);
            this.byMethod = Map.copyOf(byMethod);
            List<String> names = new ArrayList<>();
            Matcher groups = GROUP_NAME.matcher(regex);
            while (groups.find()) {
                names.add(groups.group(1));
            }
            this.groupNames = List.copyOf(names);
        }

        Map<String, String> capture(Matcher matcher) {
            if (groupNames.isEmpty()) {
                return Map.of();
            }
            Map<String, String> values = new HashMap<>();
            for (String name : groupNames) {
                String value = matcher.group(name);
                if (value != null) {
                    values.put(name, value);
                }
            }
            return Collections.unmodifiableMap(values);
        }
    }

    public static final class Builder {
        private final Map<String, Map<HttpMethod, Endpoint>> exact = new HashMap<>();
        private final Map<String, Map<HttpMethod, Endpoint>> patterns = new LinkedHashMap<>();

        private Builder() {
        }

        /** An endpoint for one literal path. */
        public Builder exact(HttpMethod method, String path, Endpoint endpoint) {
            Map<HttpMethod, Endpoint> byMethod = exact.computeIfAbsent(path, p -> new HashMap<>());
            putOnce(byMethod, method, endpoint, path);
            return this;
        }

        /**
         * An endpoint for every path the regex matches entirely. Named groups ({@code (?<model>[^/]+)}) become
         * path parameters. Adding the same regex again adds another method to the same route.
         */
        public Builder pattern(HttpMethod method, String regex, Endpoint endpoint) {
            Pattern.compile(regex); // fail here, not at build(), on a bad regex
            putOnce(patterns.computeIfAbsent(regex, r -> new HashMap<>()), method, endpoint, regex);
            return this;
        }

        private static void putOnce(Map<HttpMethod, Endpoint> byMethod, HttpMethod method, Endpoint endpoint,
                                    String where) {
            if (byMethod.putIfAbsent(method, endpoint) != null) {
                throw new IllegalStateException(method + " " + where + " already has an endpoint");
            }
        }

        public Router build() {
            Map<String, Map<HttpMethod, Endpoint>> exactCopy = new HashMap<>();
            exact.forEach((path, byMethod) -> exactCopy.put(path, Map.copyOf(byMethod)));
            List<PatternRoute> routes = new ArrayList<>();
            patterns.forEach((regex, byMethod) -> routes.add(new PatternRoute(regex, byMethod)));
            return new Router(Map.copyOf(exactCopy), List.copyOf(routes));
        }
    }
}
