/** ORS Gateway's servlet: the Open Responses HTTP API over any {@code OrsGateway}, on any Servlet 6 container. */
module dev.orsgateway.server {
    requires transitive dev.orsgateway.core;
    requires transitive jakarta.servlet;
    // WebSocket mode, where the container provides it; the servlet runs without it.
    requires static jakarta.websocket;
    requires org.slf4j;

    exports dev.orsgateway.server;
}
