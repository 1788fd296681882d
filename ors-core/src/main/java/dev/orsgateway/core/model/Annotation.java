package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/** An annotation on output text: the spec's {@code url_citation}, or an {@link Unknown} kind kept as read. */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "type",
        visible = true,
        defaultImpl = Annotation.Unknown.class)
@JsonSubTypes({@JsonSubTypes.Type(value = Annotation.UrlCitation.class, name = "url_citation")})
@JsonPropertyOrder({"type"})
public sealed interface Annotation {

    /** The annotation's {@code type} discriminator. */
    String type();

    /** A citation of a web page for the text between {@code startIndex} and {@code endIndex}. */
    record UrlCitation(
            String url,
            @JsonProperty("start_index") int startIndex,
            @JsonProperty("end_index") int endIndex,
            String title,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Annotation {
        /** Normalizes {@code extra}. */
        public UrlCitation {
            extra = Extras.withoutType(extra);
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "url_citation";
        }
    }

    /** An annotation of a type this library does not know. */
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> fields) implements Annotation {
        /** Normalizes {@code fields}. */
        public Unknown {
            fields = Extras.copy(fields);
        }
    }
}
