package dev.orsgateway.upstream.okhttp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * The {@code chat/completions} URL of an upstream, derived from what users paste: {@code .../v1},
 * {@code .../v1/chat/completions}, either with a trailing slash, or an Azure deployment URL whose
 * {@code ?api-version=...} query must be kept.
 */
public final class Endpoint {

    private static final String CHAT_COMPLETIONS = "/chat/completions";

    /** Query parameters whose values are not secrets and may appear in logs and messages. */
    private static final List<String> PUBLIC_QUERY_PARAMETERS = List.of("api-version");

    private final HttpUrl url;
    private final String description;
    private final List<String> secrets;

    private Endpoint(HttpUrl url, String description, List<String> secrets) {
        this.url = url;
        this.description = description;
        this.secrets = secrets;
    }

    /**
     * Parses a base URL and appends {@code /chat/completions} unless the path already ends with it.
     *
     * @throws IllegalArgumentException if {@code baseUrl} is not an http or https URL
     */
    public static Endpoint parse(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        HttpUrl parsed = HttpUrl.parse(baseUrl.trim());
        if (parsed == null) {
            // The text itself may hold credentials, so it is not repeated here.
            throw new IllegalArgumentException("baseUrl is not an http or https URL");
        }
        String path = parsed.encodedPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith(CHAT_COMPLETIONS)) {
            path = path + CHAT_COMPLETIONS;
        }
        HttpUrl url = parsed.newBuilder().encodedPath(path).fragment(null).build();

        List<String> secrets = new ArrayList<>();
        if (!url.password().isEmpty()) {
            secrets.add(url.password());
        }
        StringBuilder description = new StringBuilder(
                url.newBuilder().username("").password("").query(null).build().toString());
        for (int i = 0; i < url.querySize(); i++) {
            String name = url.queryParameterName(i);
            String value = url.queryParameterValue(i);
            description.append(i == 0 ? '?' : '&').append(name);
            if (value == null) {
                continue;
            }
            if (PUBLIC_QUERY_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                description.append('=').append(value);
            } else {
                description.append("=***");
                secrets.add(value);
            }
        }
        return new Endpoint(url, description.toString(), List.copyOf(secrets));
    }

    /** The URL requests are sent to, query included. */
    public HttpUrl url() {
        return url;
    }

    /** The URL without user info, with every query value but {@code api-version} masked: safe for logs. */
    public String describe() {
        return description;
    }

    /** Values of the URL that must not appear in messages or logs (a password, query values such as keys). */
    public List<String> secrets() {
        return secrets;
    }

    @Override
    public String toString() {
        return description;
    }
}
