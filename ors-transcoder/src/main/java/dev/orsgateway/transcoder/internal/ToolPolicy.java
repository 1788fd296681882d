package dev.orsgateway.transcoder.internal;

import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ToolChoice;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which chat functions the model may call in one response: those the catalog offers, narrowed by
 * {@code tool_choice}. The spec makes {@code allowed_tools} (and {@code none}) a hard limit the server enforces,
 * so calls outside this set are suppressed even when the upstream makes them; so are calls beyond
 * {@code max_tool_calls}. Names are the upstream's (chat function names).
 */
public final class ToolPolicy {
    private final Set<String> allowed;
    private final int maxCalls;

    private ToolPolicy(Set<String> allowed, int maxCalls) {
        this.allowed = Set.copyOf(allowed);
        this.maxCalls = maxCalls;
    }

    /** The policy of {@code request}, whose tools are {@code catalog}. */
    public static ToolPolicy of(CreateResponseRequest request, ToolCatalog catalog) {
        Set<String> names = new LinkedHashSet<>();
        for (ToolCatalog.Entry entry : catalog.entries()) {
            if (entry.offered()) {
                names.add(entry.upstreamName());
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
                    ToolCatalog.Entry entry = catalog.topLevel(ToolCatalog.Kind.FUNCTION, f.name());
                    if (entry != null) {
                        subset.add(entry.upstreamName());
                    }
                }
                names.retainAll(subset);
            }
        } else if (choice instanceof ToolChoice.Function forced) {
            ToolCatalog.Entry entry = catalog.topLevel(ToolCatalog.Kind.FUNCTION, forced.name());
            names.clear();
            if (entry != null) {
                names.add(entry.upstreamName());
            }
        } else if (choice instanceof ToolChoice.Typed forced) {
            ToolCatalog.Entry entry = forcedEntry(forced, catalog);
            names.clear();
            if (entry != null) {
                names.add(entry.upstreamName());
            }
        }
        int max = request.maxToolCalls() == null ? Integer.MAX_VALUE : request.maxToolCalls();
        return new ToolPolicy(names, max);
    }

    /** The chat function a {@link ToolChoice.Typed} forces, or null when the request declares none of that kind. */
    static ToolCatalog.Entry forcedEntry(ToolChoice.Typed forced, ToolCatalog catalog) {
        return switch (forced.type() == null ? "" : forced.type()) {
            case "custom" -> catalog.topLevel(ToolCatalog.Kind.CUSTOM, forced.name());
            case "shell" -> catalog.builtIn(ToolCatalog.Kind.SHELL);
            case "local_shell" -> catalog.builtIn(ToolCatalog.Kind.LOCAL_SHELL);
            case "apply_patch" -> catalog.builtIn(ToolCatalog.Kind.APPLY_PATCH);
            case "tool_search" -> catalog.builtIn(ToolCatalog.Kind.TOOL_SEARCH);
            default -> null;
        };
    }

    /** Whether the model may call the chat function {@code name}. */
    public boolean allows(String name) {
        return allowed.contains(name);
    }

    /** Whether one more call may be made after {@code made} calls ({@code max_tool_calls}). */
    public boolean admitsAnother(int made) {
        return made < maxCalls;
    }

    /** The callable chat function names. */
    public Set<String> allowed() {
        return allowed;
    }
}
