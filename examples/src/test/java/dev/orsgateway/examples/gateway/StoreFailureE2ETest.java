package dev.orsgateway.examples.gateway;

import static dev.orsgateway.examples.gateway.Harness.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.testing.SpecSchemas;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store failing when a finished response is saved: the client must not be told it completed, and gets the
 * same {@code storage_error} streamed or not.
 */
class StoreFailureE2ETest {

    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aStreamWhoseResponseCannotBeStoredEndsWithErrorThenFailed() {
        h.store.close(); // every later store call fails

        Harness.Streamed streamed = h.stream(request("Hello.").build());

        List<String> types = streamed.types();
        assertThat(types).doesNotContain("response.completed");
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("error", "response.failed");
        ResponseEvent.Error error = (ResponseEvent.Error) streamed.events().get(types.size() - 2);
        assertThat(error.error().code()).isEqualTo("storage_error");
        Response failed = streamed.response();
        assertThat(failed.status()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("storage_error");
        assertThat(failed.completedAt()).isNull();
        assertThat(ConversationE2ETest.text(failed)).isEqualTo("You said: Hello.");
    }

    @Test
    void aCompletionWhoseResponseCannotBeStoredFailsWithAStorageError() {
        h.store.close(); // every later store call fails

        OrsException e = Harness.failure(h.gateway.complete(request("Hello.").build(), null));

        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(e.error().code()).isEqualTo("storage_error");
        SpecSchemas.assertValid("Error", e.error());
        assertThat(h.server.requestCount()).isEqualTo(1);
    }
}
