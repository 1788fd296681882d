package dev.orsgateway.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.OrsException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {

    private static final String UPSTREAM = "https://api.example.com/v1/chat/completions";
    private final UpstreamErrors errors = new UpstreamErrors(UPSTREAM, new Redactor(List.of("sk-secret-key-1")));

    @Test
    void snippetStripsHtmlAndCapsLength() {
        String page = "<!DOCTYPE html><html><head><title>Bad Gateway</title><script>var x = 1;</script></head>"
                + "<body><h1>502 Bad Gateway</h1><p>Cloudflare &amp; friends</p>" + "x".repeat(1000) + "</body></html>";

        String snippet = UpstreamErrors.snippet(page, "text/html; charset=utf-8");

        assertThat(snippet).startsWith("502 Bad Gateway Cloudflare & friends x").doesNotContain("<", "var x");
        assertThat(snippet).hasSize(UpstreamErrors.MAX_SNIPPET_CHARS + 3).endsWith("...");
    }

    @Test
    void snippetCollapsesWhitespaceOfPlainText() {
        assertThat(UpstreamErrors.snippet("  Service\n\tUnavailable  \r\n", "text/plain"))
                .isEqualTo("Service Unavailable");
    }

    @Test
    void emptyBodyFallsBackToTheStatus() {
        OrsException error = errors.fromHttp(502, null, "", name -> null);

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.getMessage()).isEqualTo("The upstream " + UPSTREAM + " failed (HTTP 502)");
    }

    @Test
    void providerMessagesAreRedacted() {
        OrsException error = errors.fromHttp(
                400, "application/json", "{\"error\":{\"message\":\"bad key sk-secret-key-1 in body\"}}", name -> null);

        assertThat(error.getMessage()).isEqualTo("bad key *** in body");
    }

    @Test
    void numericProviderCodesAreNotErrorCodes() {
        OrsException error = errors.fromHttp(
                429, "application/json", "{\"error\":{\"message\":\"slow down\",\"code\":429}}", name -> null);

        assertThat(error.error().code()).isEqualTo(UpstreamErrors.RATE_LIMITED);
        assertThat(error.error().headers()).isNull();
    }

    @Test
    void requestTimeoutFromTheUpstreamIsA504() {
        OrsException error = errors.fromHttp(408, "text/plain", "Request Timeout", name -> null);

        assertThat(error.httpStatus()).isEqualTo(504);
        assertThat(error.error().code()).isEqualTo(UpstreamErrors.TIMEOUT);
    }

    @Test
    void transportFailuresBeforeAResponse() {
        assertThat(errors.beforeResponse(new ConnectException("Connection refused"))
                        .error()
                        .code())
                .isEqualTo(UpstreamErrors.UNREACHABLE);
        assertThat(errors.beforeResponse(new UnknownHostException("api.example.com"))
                        .httpStatus())
                .isEqualTo(502);
        assertThat(errors.beforeResponse(new SocketTimeoutException("Read timed out"))
                        .httpStatus())
                .isEqualTo(504);
        assertThat(errors.beforeResponse(new InterruptedIOException("timeout"))
                        .error()
                        .code())
                .isEqualTo(UpstreamErrors.TIMEOUT);
        OrsException other = errors.beforeResponse(new IOException("unexpected end of stream"));
        assertThat(other.httpStatus()).isEqualTo(502);
        assertThat(other.error().code()).isEqualTo(UpstreamErrors.ERROR);
        assertThat(other.getMessage()).contains(UPSTREAM).contains("unexpected end of stream");
    }
}
