package dev.orsgateway.examples;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java -jar ors-gateway.jar --health-check}: asks the server this environment configures ({@code PORT},
 * {@code HOST}) for {@code GET /v1/health} and exits 0 on a 200, 1 otherwise. For a container's health check, whose
 * runtime image need not have curl or wget.
 */
final class HealthCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private HealthCheck() {}

    /** The exit status: 0 if the server answered 200, else 1 (with the reason on {@code err}). */
    static int run(Map<String, String> env, PrintStream err) {
        URI uri;
        try {
            uri = uri(env);
        } catch (IllegalArgumentException e) {
            err.println("health check: " + e.getMessage());
            return 1;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return 0;
            }
            err.println("health check: " + uri + " answered " + response.statusCode());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("health check: interrupted");
            return 1;
        } catch (Exception e) {
            err.println("health check: " + uri + " failed: " + e);
            return 1;
        }
    }

    /** The health URL: on loopback when the server binds every address, else on the address it binds. */
    static URI uri(Map<String, String> env) {
        String host = env.getOrDefault("HOST", "").trim();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        String port = env.getOrDefault("PORT", "").trim();
        if (port.isEmpty()) {
            port = "3000";
        }
        try {
            return URI.create("http://" + host + ":" + Integer.parseInt(port) + "/v1/health");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT must be a whole number, was '" + port + "'", e);
        }
    }
}
