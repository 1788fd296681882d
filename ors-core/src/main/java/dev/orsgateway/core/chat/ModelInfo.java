package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One entry of a {@code GET /models} list in OpenAI's shape: {@code {"id":..,"object":"model","created":..,
 * "owned_by":..}}.
 *
 * @param id the model's name, as requests name it
 * @param created when the model was made, in Unix seconds (0 when unknown)
 * @param ownedBy who serves it: the provider's answer, or the name of the gateway's upstream
 */
@JsonPropertyOrder({"id", "object", "created", "owned_by"})
public record ModelInfo(
        @JsonProperty("id") String id,
        @JsonProperty("created") long created,
        @JsonProperty("owned_by") String ownedBy) {

    /** Checks that the model is named. */
    @JsonCreator
    public ModelInfo {
        Objects.requireNonNull(id, "id");
    }

    /** Always {@code model}. */
    @JsonProperty("object")
    public String object() {
        return "model";
    }
}
