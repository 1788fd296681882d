package dev.orsgateway.transcoder.internal;

import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.spi.ResponseTranscoder;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.transcoder.TranscoderOptions;
import java.time.Clock;

/** Registers {@link ChatTranscoder} with {@link java.util.ServiceLoader} for {@code OrsGateway}'s default. */
public final class ChatTranscoderFactory implements ResponseTranscoder.Factory {
    /** Used by {@link java.util.ServiceLoader}. */
    public ChatTranscoderFactory() {}

    @Override
    public ResponseTranscoder create(IdGenerator ids, Clock clock) {
        return ChatTranscoder.create(TranscoderOptions.DEFAULT, ids, clock);
    }
}
