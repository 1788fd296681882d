/** ORS Gateway's servlet: the Open Responses HTTP API over any {@code OrsGateway}, on any Servlet 6 container. */
module dev.orsgateway.server {
    requires transitive dev.orsgateway.core;
    requires transitive jakarta.servlet;
    requires org.slf4j;

    exports dev.orsgateway.server;
}
