package dev.orsgateway.core.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code chat/completions} URL of an upstream, derived from what users paste: {@code .../v1},
 * {@code .../v1/chat/completions}, either with a trailing slash, or an Azure deployment URL whose
 * {@code ?api-version=...} query must be kept.
 */
public final class Endpoint {

    private static final String CHAT_COMPLETIONS = "/chat/completions";

    /** Query parameters whose values are not secrets and may appear in logs and messages. */
    private static final List<String> PUBLIC_QUERY_PARAMETERS = List.of("api-version");

    private final URI uri;
    private final String description;
    private final List<String> secrets;

    private Endpoint(URI uri, String description, List<String> secrets) {
        this.uri = uri;
        this.description = description;
        this.secrets = secrets;
    }

    /**
     * Parses a base URL and appends {@code /chat/completions} unless the path already ends with it. A fragment is
     * dropped; user info and the query are kept.
     *
     * @param baseUrl e.g. {@code https://api.openai.com/v1}
     * @return the endpoint
     * @throws IllegalArgumentException if {@code baseUrl} is not an absolute http or https URL with a host (the message
     *     does not repeat it: it may hold credentials)
     */
    public static Endpoint parse(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        URI parsed;
        try {
            parsed = new URI(baseUrl.trim());
        } catch (URISyntaxException e) {
            throw notHttp();
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || parsed.getHost() == null) {
            throw notHttp();
        }
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith(CHAT_COMPLETIONS)) {
            path = path + CHAT_COMPLETIONS;
        }
        String rawQuery = parsed.getRawQuery();
        String host = parsed.getHost().toLowerCase(Locale.ROOT);
        int port = parsed.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String hostPort = defaultPort ? host : host + ":" + port;
        String userInfo = parsed.getRawUserInfo();
        URI uri = URI.create(scheme + "://" + (userInfo == null ? "" : userInfo + "@") + hostPort + path
                + (rawQuery == null ? "" : "?" + rawQuery));

        List<String> secrets = new ArrayList<>();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0 && colon < userInfo.length() - 1) {
                addSecret(secrets, userInfo.substring(colon + 1));
            }
        }
        StringBuilder description =
                new StringBuilder(scheme).append("://").append(hostPort).append(path);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            String[] parameters = rawQuery.split("&", -1);
            for (int i = 0; i < parameters.length; i++) {
                String parameter = parameters[i];
                int equals = parameter.indexOf('=');
                String name = equals < 0 ? parameter : parameter.substring(0, equals);
                description.append(i == 0 ? '?' : '&').append(name);
                if (equals < 0) {
                    continue;
                }
                String value = parameter.substring(equals + 1);
                if (PUBLIC_QUERY_PARAMETERS.contains(decode(name).toLowerCase(Locale.ROOT))) {
                    description.append('=').append(value);
                } else {
                    description.append("=***");
                    addSecret(secrets, value);
                }
            }
        }
        return new Endpoint(uri, description.toString(), List.copyOf(secrets));
    }

    /**
     * The URL requests are sent to, query (and user info, if any) included.
     *
     * @return e.g. {@code https://api.openai.com/v1/chat/completions}
     */
    public URI uri() {
        return uri;
    }

    /**
     * The provider's model list beside the chat endpoint: the URL with {@code /chat/completions} replaced by
     * {@code /models}, query kept.
     *
     * @return e.g. {@code https://api.openai.com/v1/models}
     */
    public URI modelsUri() {
        String text = uri.toString();
        int query = text.indexOf('?');
        String base = query < 0 ? text : text.substring(0, query);
        String rest = query < 0 ? "" : text.substring(query);
        return URI.create(base.substring(0, base.length() - CHAT_COMPLETIONS.length()) + "/models" + rest);
    }

    /**
     * Whether requests go over TLS.
     *
     * @return whether the scheme is {@code https}
     */
    public boolean isHttps() {
        return uri.getScheme().equals("https");
    }

    /**
     * The URL without user info, with every query value but {@code api-version} masked: safe for logs.
     *
     * @return e.g. {@code https://r.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21}
     */
    public String describe() {
        return description;
    }

    /**
     * Values of the URL that must not appear in messages or logs (a password, query values such as keys), both as
     * written and decoded.
     *
     * @return the secrets, for a {@link Redactor}
     */
    public List<String> secrets() {
        return secrets;
    }

    @Override
    public String toString() {
        return description;
    }

    private static void addSecret(List<String> secrets, String raw) {
        secrets.add(raw);
        String decoded = decode(raw);
        if (!decoded.equals(raw)) {
            secrets.add(decoded);
        }
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static IllegalArgumentException notHttp() {
        return new IllegalArgumentException("baseUrl is not an http or https URL");
    }
}
