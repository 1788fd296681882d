package dev.orsgateway.transcoder.internal;

import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.transcoder.TranscoderOptions;
import java.util.List;

public final class RequestTranslator {
    private final TranscoderOptions options;

    public RequestTranslator(TranscoderOptions options) {
        this.options = options;
    }

    public ChatCompletionRequest translate(CreateResponseRequest request, List<Item> history) {
        throw new IllegalStateException("WIP " + options + request + history);
    }
}
