package dev.orsgateway.core.routing;

/**
 * Whether, and how, a route moves reasoning that its model writes into the text as {@code <think>…</think>} (Qwen3,
 * QwQ, DeepSeek-R1 and its distills served without a reasoning parser) into reasoning items. Tags split across chunks
 * are found; only a possible tag beginning is held back.
 */
public enum ThinkTagMode {
    /** The text is left as the model wrote it (the default: a model may well write the tag as text). */
    OFF,
    /** A {@code <think>…</think>} block at the very start of the answer is reasoning; a later one is text. */
    LEADING,
    /**
     * The chat template already opened the block (DeepSeek-R1 and its distills, QwQ, Qwen3-Thinking-2507), so the
     * model writes only {@code </think>}: everything up to it is reasoning, all of the answer when it never comes.
     */
    PREFILLED
}
