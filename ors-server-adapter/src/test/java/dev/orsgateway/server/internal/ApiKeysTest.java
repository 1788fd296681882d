package dev.orsgateway.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void authenticatesConfiguredKeysAsTheirOwners() {
        ApiKeys keys = ApiKeys.of(List.of("sk-one", "sk-two", "sk-one"));

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.authenticate("sk-one")).contains(ApiKeys.ownerOf("sk-one"));
        assertThat(keys.authenticate("sk-two")).contains(ApiKeys.ownerOf("sk-two"));
        assertThat(keys.authenticate("sk-on")).isEmpty();
        assertThat(keys.authenticate("sk-one ")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
    }

    @Test
    void ownersAreStableOneWayAndDistinct() {
        assertThat(ApiKeys.ownerOf("sk-one"))
                .isEqualTo(ApiKeys.ownerOf("sk-one"))
                .isNotEqualTo(ApiKeys.ownerOf("sk-two"))
                .matches("[0-9a-f]{32}");
    }

    @Test
    void readsBearerTokens() {
        assertThat(ApiKeys.bearerToken("Bearer sk-1")).contains("sk-1");
        assertThat(ApiKeys.bearerToken("bearer   sk-1  ")).contains("sk-1");
        assertThat(ApiKeys.bearerToken("Basic YTpi")).isEmpty();
        assertThat(ApiKeys.bearerToken("Bearer ")).isEmpty();
        assertThat(ApiKeys.bearerToken("Bearer")).isEmpty();
        assertThat(ApiKeys.bearerToken(null)).isEmpty();
    }

    @Test
    void acceptsOnlyUtf8Json() {
        assertThat(OrsHandler.isJson("application/json")).isTrue();
        assertThat(OrsHandler.isJson("Application/JSON; charset=UTF-8")).isTrue();
        assertThat(OrsHandler.isJson("application/json;charset=\"utf-8\"")).isTrue();
        assertThat(OrsHandler.isJson("application/json; charset=iso-8859-1")).isFalse();
        assertThat(OrsHandler.isJson("text/json")).isFalse();
        assertThat(OrsHandler.isJson("application/jsonx")).isFalse();
        assertThat(OrsHandler.isJson(null)).isFalse();
    }
}
