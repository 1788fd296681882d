package dev.orsgateway.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

    private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative

    private ApiKeys.Spec spec(String key, int rpm, long tpm, long budget, String... models) {
        return new ApiKeys.Spec(ApiKeys.sha256(key), key.substring(0, 4), rpm, tpm, budget, List.of(models));
    }

    private static OrsException refusal(Runnable admit) {
        try {
            admit.run();
        } catch (OrsException e) {
            return e;
        }
        throw new AssertionError("admitted");
    }

    @Test
    void aKeyGivenByItsHashAuthenticatesAsItsPlainFormWithTheSameOwner() {
        ApiKeys keys = ApiKeys.of(
                List.of(new ApiKeys.Spec(ApiKeys.sha256("sk-one"), "one", 0, 0, 0, List.of())), ApiKeys.NONE, now::get);

        assertThat(keys.authenticate("sk-one")).contains(ApiKeys.ownerOf("sk-one"));
        assertThat(keys.find("sk-one").orElseThrow().id()).isEqualTo("one");
        assertThat(HexFormat.of().formatHex(ApiKeys.sha256("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void requestsPerMinuteAreABucketOfThatManyRefilledEvenly() {
        ApiKeys.Key key = ApiKeys.of(List.of(spec("sk-one", 3, 0, 0)), ApiKeys.NONE, now::get)
                .find("sk-one")
                .orElseThrow();
        key.admitRequest();
        key.admitRequest();
        key.admitRequest();
        OrsException refused = refusal(key::admitRequest);
        assertThat(refused.httpStatus()).isEqualTo(429);
        assertThat(refused.error().code()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.retryAfter()).contains(Duration.ofSeconds(20));

        now.addAndGet(Duration.ofSeconds(20).toNanos() - 1);
        assertThat(refusal(key::admitRequest).retryAfter()).contains(Duration.ofNanos(1));
        now.addAndGet(1);
        key.admitRequest();
        now.addAndGet(Duration.ofHours(1).toNanos()); // a long pause refills the bucket, no more
        for (int i = 0; i < 3; i++) {
            key.admitRequest();
        }
        assertThat(refusal(key::admitRequest).httpStatus()).isEqualTo(429);
    }

    @Test
    void threadsRacingForOneKeyGetExactlyItsRequestsPerMinute() throws Exception {
        ApiKeys.Key key = ApiKeys.of(List.of(spec("sk-one", 100, 0, 0)), ApiKeys.NONE, now::get)
                .find("sk-one")
                .orElseThrow();
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50; i++) {
                    try {
                        key.admitRequest();
                        admitted.incrementAndGet();
                    } catch (OrsException refused) {
                        // counted by what is not admitted
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        assertThat(admitted.get()).isEqualTo(100); // the clock stands still: a full bucket, no refill
    }

    @Test
    void tokensAreChargedWhenKnownAndRefuseOnlyOnceTheBucketIsEmpty() {
        ApiKeys.Key key = ApiKeys.of(List.of(spec("sk-one", 0, 600, 1400)), ApiKeys.NONE, now::get)
                .find("sk-one")
                .orElseThrow();
        key.admitTokens();
        key.charge(599);
        key.admitTokens(); // one token left
        key.charge(700); // a response may go over: the debt is paid in time
        OrsException refused = refusal(key::admitTokens);
        assertThat(refused.retryAfter()).contains(Duration.ofSeconds(70)); // 699 tokens owed + 1, 0.1 s each
        now.addAndGet(Duration.ofSeconds(70).toNanos() - 1);
        assertThat(refusal(key::admitTokens).httpStatus()).isEqualTo(429);
        now.addAndGet(1);
        key.admitTokens();

        key.charge(100); // 1399 of 1400
        now.addAndGet(Duration.ofHours(1).toNanos());
        key.admitTokens();
        key.charge(1);
        OrsException budget = refusal(key::admitTokens);
        assertThat(budget.httpStatus()).isEqualTo(429);
        assertThat(budget.error().code()).isEqualTo("insufficient_quota");
        assertThat(budget.retryAfter()).isEmpty();
    }

    @Test
    void aKeyKeptAcrossAReplacementKeepsWhatItSpent() {
        KeyRing ring = new KeyRing(List.of(spec("sk-one", 1, 0, 10), spec("sk-two", 1, 0, 0)), now::get);
        ring.current().find("sk-one").orElseThrow().admitRequest();
        ring.current().find("sk-one").orElseThrow().charge(10);
        ApiKeys.Key two = ring.current().find("sk-two").orElseThrow();

        ring.replace(List.of(spec("sk-one", 1, 0, 10), spec("sk-three", 0, 0, 0)));

        ApiKeys.Key one = ring.current().find("sk-one").orElseThrow();
        assertThat(refusal(one::admitRequest).httpStatus()).isEqualTo(429);
        assertThat(refusal(one::admitTokens).error().code()).isEqualTo("insufficient_quota");
        assertThat(ring.holds(two)).isFalse();
        assertThat(ring.holds(one)).isTrue();
        assertThat(ring.current().authenticate("sk-two")).isEmpty();
        assertThatThrownBy(() -> ring.replace(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(ring.current().size()).isEqualTo(2);
    }

    @Test
    void modelsAreNamesOrGlobs() {
        ApiKeys.Key key = ApiKeys.of(
                        List.of(spec("sk-one", 0, 0, 0, "gpt-4o*", "llama*:8b", "m")), ApiKeys.NONE, now::get)
                .find("sk-one")
                .orElseThrow();
        key.admitModel("gpt-4o");
        key.admitModel("gpt-4o-mini");
        key.admitModel("llama3.1:8b");
        key.admitModel("m");
        for (String model : List.of("gpt-4", "llama3.1:70b", "mm", "xgpt-4o")) {
            OrsException refused = refusal(() -> key.admitModel(model));
            assertThat(refused.httpStatus()).as(model).isEqualTo(404);
            assertThat(refused.error().code()).isEqualTo("model_not_found");
        }
        assertThat(refusal(() -> key.admitModel(null)).httpStatus()).isEqualTo(400);
        assertThat(ApiKeys.Globs.matches("a*b*c", "abc")).isTrue();
        assertThat(ApiKeys.Globs.matches("a*a", "a")).isFalse();
        assertThat(ApiKeys.Globs.matches("*", "")).isTrue();
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
