/** ORS Gateway's non-blocking Chat Completions upstream over the JDK's {@code java.net.http} client. */
module dev.orsgateway.upstream.jdk {
    requires transitive dev.orsgateway.core;
    requires transitive java.net.http;
    requires org.slf4j;

    exports dev.orsgateway.upstream.jdk;
}
