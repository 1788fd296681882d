/** A non-blocking {@link dev.orsgateway.core.spi.ChatCompletionsUpstream} over the JDK's {@code java.net.http} client. */
package dev.orsgateway.upstream.jdk;
