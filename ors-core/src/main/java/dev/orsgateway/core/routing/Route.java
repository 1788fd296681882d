package dev.orsgateway.core.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which upstreams serve the models a pattern names, in order: the first target serves, the others are its fallbacks.
 *
 * <p>A pattern is an exact model name ({@code gpt-4o}) or a glob where {@code *} stands for any run of characters
 * ({@code gpt-*}, {@code llama3*}, {@code *} for every model). Matching is case-sensitive.
 *
 * <pre>{@code
 * Route.forModel("fast").to("ollama", "llama3.2:3b").to("groq", "llama-3.1-8b-instant").build();
 * Route.forModel("gpt-*").to("openai").to("azure").firstByteTimeout(Duration.ofSeconds(20)).build();
 * }</pre>
 */
public final class Route {
    private final String pattern;
    private final List<Target> targets;
    private final Duration firstByteTimeout;
    private final ThinkTagMode thinkTags;
    private final String[] parts;

    private Route(Builder builder) {
        this.pattern = builder.pattern;
        this.targets = List.copyOf(builder.targets);
        this.firstByteTimeout = builder.firstByteTimeout;
        this.thinkTags = builder.thinkTags;
        this.parts = pattern.contains("*") ? pattern.split("\\*", -1) : null;
    }

    /** A route for the models {@code pattern} names; add at least one target. */
    public static Builder forModel(String pattern) {
        return new Builder(pattern);
    }

    /** The model name or glob this route serves. */
    public String pattern() {
        return pattern;
    }

    /** The targets in the order they are tried. */
    public List<Target> targets() {
        return targets;
    }

    /** How long an attempt may take to send its first chunk before the next target is tried; null: no limit. */
    public Duration firstByteTimeout() {
        return firstByteTimeout;
    }

    /** Whether and how {@code <think>…</think>} in the text is moved into reasoning (for models that write it there). */
    public ThinkTagMode thinkTags() {
        return thinkTags;
    }

    /** Whether the pattern is a glob rather than one model name. */
    public boolean isPattern() {
        return parts != null;
    }

    /** Whether this route serves {@code model}. */
    public boolean matches(String model) {
        if (model == null) {
            return parts != null && parts.length == 2 && parts[0].isEmpty() && parts[1].isEmpty();
        }
        if (parts == null) {
            return pattern.equals(model);
        }
        if (!model.startsWith(parts[0])) {
            return false;
        }
        int at = parts[0].length();
        int last = parts.length - 1;
        for (int i = 1; i < last; i++) {
            int found = model.indexOf(parts[i], at);
            if (found < 0) {
                return false;
            }
            at = found + parts[i].length();
        }
        return model.length() - at >= parts[last].length() && model.endsWith(parts[last]);
    }

    @Override
    public String toString() {
        return pattern + " -> " + targets;
    }

    /** Builds a {@link Route}. */
    public static final class Builder {
        private final String pattern;
        private final List<Target> targets = new ArrayList<>();
        private Duration firstByteTimeout;
        private ThinkTagMode thinkTags = ThinkTagMode.OFF;

        private Builder(String pattern) {
            Objects.requireNonNull(pattern, "pattern");
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("a route's model pattern must not be blank");
            }
            this.pattern = pattern;
        }

        /** Adds a target: the first one added serves, each later one is a fallback. */
        public Builder to(Target target) {
            targets.add(Objects.requireNonNull(target, "target"));
            return this;
        }

        /** Adds the upstream named {@code upstream}, asked for the client's model. */
        public Builder to(String upstream) {
            return to(Target.of(upstream));
        }

        /** Adds the upstream named {@code upstream}, asked for {@code model} instead of the client's model. */
        public Builder to(String upstream, String model) {
            return to(Target.of(upstream, model));
        }

        /**
         * How long each attempt may wait for its first chunk before it is abandoned and the next target tried (a
         * stalled upstream); none by default, leaving it to the upstream's own timeouts. Not applied to
         * non-streamed calls, whose whole answer comes at once.
         */
        public Builder firstByteTimeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("the first-byte timeout must be positive");
            }
            this.firstByteTimeout = timeout;
            return this;
        }

        /**
         * Moves {@code <think>…</think>} in the answer's text into reasoning, for models that write their reasoning
         * into the text (see {@link ThinkTagMode}); {@link ThinkTagMode#OFF} by default.
         */
        public Builder thinkTags(ThinkTagMode mode) {
            this.thinkTags = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The route; it needs at least one target. */
        public Route build() {
            if (targets.isEmpty()) {
                throw new IllegalStateException("route '" + pattern + "' has no target");
            }
            return new Route(this);
        }
    }
}
