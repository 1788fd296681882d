package dev.orsgateway.transcoder;

import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Folds a stream of events into the final {@link Response}: the response of the first terminal event
 * ({@code response.completed}, {@code .incomplete} or {@code .failed}); later events and unknown event types are
 * ignored. Until a terminal event arrives, {@link #snapshot()} shows the latest lifecycle response with the items
 * finished so far. Not thread-safe.
 */
public final class ResponseAccumulator {
    private Response latest;
    private Response terminal;
    private final TreeMap<Integer, Item> doneItems = new TreeMap<>();

    /** An accumulator that has seen no event. */
    public ResponseAccumulator() {}

    /** Takes {@code event} into account and returns it, so the call can sit inside a stream pipeline. */
    public ResponseEvent accumulate(ResponseEvent event) {
        if (terminal != null) {
            return event;
        }
        if (event instanceof ResponseEvent.Lifecycle lifecycle) {
            latest = lifecycle.response();
            if (event.isTerminal()) {
                terminal = lifecycle.response();
            }
        } else if (event instanceof ResponseEvent.OutputItemDone done) {
            doneItems.put(done.outputIndex(), done.item());
        }
        return event;
    }

    /** The final response, once a terminal event was seen. */
    public Optional<Response> response() {
        return Optional.ofNullable(terminal);
    }

    /** The final response if there is one, else the latest lifecycle response with the items finished so far. */
    public Optional<Response> snapshot() {
        if (terminal != null) {
            return Optional.of(terminal);
        }
        if (latest == null) {
            return Optional.empty();
        }
        List<Item> items = new ArrayList<>(doneItems.values());
        return Optional.of(latest.toBuilder().output(items).build());
    }
}
