package dev.orsgateway.upstream.okhttp.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.Response;

/** OkHttp responses handed to the shared {@link UpstreamErrors}: at most 64 KiB of a body is read, never more. */
public final class OkHttpResponses {

    private OkHttpResponses() {}

    /** The error for a non-2xx response. */
    public static OrsException error(UpstreamErrors errors, Response response) {
        return errors.fromHttp(response.code(), contentType(response), readErrorBody(response), response::header);
    }

    /** The error for a 2xx answer to a streaming request that is not {@code text/event-stream}. */
    static OrsException notEventStream(UpstreamErrors errors, Response response) {
        return errors.notEventStream(contentType(response), readErrorBody(response));
    }

    private static String contentType(Response response) {
        MediaType type = response.body().contentType();
        return type == null ? response.header("Content-Type") : type.toString();
    }

    /** Reads up to {@link UpstreamErrors#MAX_ERROR_BODY_BYTES} of the body without consuming more; never throws. */
    private static String readErrorBody(Response response) {
        try {
            return response.peekBody(UpstreamErrors.MAX_ERROR_BODY_BYTES).string();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
