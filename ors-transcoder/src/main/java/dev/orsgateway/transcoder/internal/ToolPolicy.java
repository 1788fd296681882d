package dev.orsgateway.transcoder.internal;

import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Tool;
import dev.orsgateway.core.model.ToolChoice;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which functions the model may call in one response: the declared function tools, narrowed by
 * {@code tool_choice}. The spec makes {@code allowed_tools} (and {@code none}) a hard limit the server enforces,
 * so calls outside this set are suppressed even when the upstream makes them; so are calls beyond
 * {@code max_tool_calls}.
 */
public final class ToolPolicy {
    private final Set<String> allowed;
    private final int maxCalls;

    private ToolPolicy(Set<String> allowed, int maxCalls) {
        this.allowed = Set.copyOf(allowed);
        this.maxCalls = maxCalls;
    }

    /** The policy of {@code request}. */
    public static ToolPolicy of(CreateResponseRequest request) {
        Set<String> names = new LinkedHashSet<>();
        if (request.tools() != null) {
            for (Tool tool : request.tools()) {
                if (tool instanceof Tool.Function f) {
                    names.add(f.name());
                }
            }
        }
        ToolChoice choice = request.toolChoice();
        if (choice == ToolChoice.Mode.NONE) {
            names.clear();
        } else if (choice instanceof ToolChoice.AllowedTools allowedTools) {
            if (allowedTools.mode() == ToolChoice.Mode.NONE) {
                names.clear();
            } else {
                Set<String> subset = new LinkedHashSet<>();
                for (ToolChoice.Function f : allowedTools.tools()) {
                    subset.add(f.name());
                }
                names.retainAll(subset);
            }
        } else if (choice instanceof ToolChoice.Function forced) {
            names.retainAll(Set.of(forced.name()));
        }
        int max = request.maxToolCalls() == null ? Integer.MAX_VALUE : request.maxToolCalls();
        return new ToolPolicy(names, max);
    }

    /** Whether the model may call {@code name}. */
    public boolean allows(String name) {
        return allowed.contains(name);
    }

    /** Whether one more call may be made after {@code made} calls ({@code max_tool_calls}). */
    public boolean admitsAnother(int made) {
        return made < maxCalls;
    }

    /** The callable function names. */
    public Set<String> allowed() {
        return allowed;
    }
}
