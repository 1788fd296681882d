package dev.orsgateway.core.routing;

import java.util.Objects;

/**
 * Where a {@link Route} sends a request: a named upstream of the {@link Router}, and the model name that upstream
 * receives.
 *
 * @param upstream the name of an upstream registered with {@link Router.Builder#upstream}
 * @param model the model the upstream is asked for, or {@code null} to pass on the model the client named
 */
public record Target(String upstream, String model) {

    /** Checks that {@code upstream} is named and that {@code model}, when given, is not blank. */
    public Target {
        Objects.requireNonNull(upstream, "upstream");
        if (upstream.isBlank()) {
            throw new IllegalArgumentException("a target names an upstream");
        }
        if (model != null && model.isBlank()) {
            throw new IllegalArgumentException(
                    "a target's model must not be blank (leave it out to pass on the" + " client's model)");
        }
    }

    /** The upstream named {@code upstream}, asked for the client's model. */
    public static Target of(String upstream) {
        return new Target(upstream, null);
    }

    /** The upstream named {@code upstream}, asked for {@code model} whatever the client named. */
    public static Target of(String upstream, String model) {
        return new Target(upstream, model);
    }

    /** The model the upstream receives for a client that asked for {@code requested}. */
    public String modelFor(String requested) {
        return model != null ? model : requested;
    }

    @Override
    public String toString() {
        return model == null ? upstream : upstream + " as " + model;
    }
}
