/**
 * A toolkit for implementers of {@link dev.orsgateway.core.spi.ChatCompletionsUpstream}: what every HTTP transport
 * shares, so that each one maps failures, masks credentials and reads events the same way.
 *
 * <ul>
 *   <li>{@link dev.orsgateway.core.upstream.Endpoint}: the {@code /chat/completions} URL from a base URL, and a
 *       description safe for logs;
 *   <li>{@link dev.orsgateway.core.upstream.Redactor}: masks credentials in text taken from the upstream;
 *   <li>{@link dev.orsgateway.core.upstream.UpstreamErrors}: every failure as an {@link dev.orsgateway.core.OrsException}
 *       with the gateway's status and code mapping;
 *   <li>{@link dev.orsgateway.core.upstream.ChatPayloads}: a stream event's data or a response body as a chunk or a
 *       completion, with the {@code [DONE]} and error-event rules;
 *   <li>{@link dev.orsgateway.core.upstream.MistralToolCallIds} and
 *       {@link dev.orsgateway.core.upstream.GeminiThoughtSignatures}: decorators of an upstream that fit its requests to
 *       a provider's stricter checks.
 * </ul>
 *
 * <p>Transport-neutral: nothing here depends on an HTTP client.
 */
package dev.orsgateway.core.upstream;
