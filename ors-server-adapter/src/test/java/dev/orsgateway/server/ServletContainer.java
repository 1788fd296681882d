package dev.orsgateway.server;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The servlet containers the tests run on: embedded, on 127.0.0.1 and an ephemeral port, with their Jakarta WebSocket
 * support on.
 */
enum ServletContainer {
    TOMCAT {
        @Override
        Running start(HttpServlet servlet, String mapping, int maxThreads, int idleTimeoutMillis) throws Exception {
            Path baseDir = Files.createTempDirectory("ors-tomcat");
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(baseDir.toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            if (maxThreads > 0) {
                connector.setProperty("maxThreads", Integer.toString(maxThreads));
                connector.setProperty("minSpareThreads", "1");
            }
            if (idleTimeoutMillis > 0) {
                // Tomcat's read and write timeout of a connection (also of a blocked non-blocking write).
                connector.setProperty("connectionTimeout", Integer.toString(idleTimeoutMillis));
            }
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", baseDir.toString());
            // Jakarta WebSocket, as a Tomcat with tomcat-embed-websocket provides it to a web application.
            context.addServletContainerInitializer(new WsSci(), null);
            Wrapper wrapper = Tomcat.addServlet(context, "ors", servlet);
            wrapper.setAsyncSupported(true);
            wrapper.setLoadOnStartup(1);
            context.addServletMapping(mapping, "ors");
            tomcat.start();
            int port = connector.getLocalPort();
            return new Running(URI.create("http://127.0.0.1:" + port), () -> {
                tomcat.stop();
                tomcat.destroy();
            });
        }
    },
    JETTY {
        @Override
        Running start(HttpServlet servlet, String mapping, int maxThreads, int idleTimeoutMillis) throws Exception {
            QueuedThreadPool threads = new QueuedThreadPool(maxThreads > 0 ? maxThreads : 200, 1);
            threads.setName("jetty");
            Server server = new Server(threads);
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            if (idleTimeoutMillis > 0) {
                connector.setIdleTimeout(idleTimeoutMillis);
            }
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(true);
            holder.setInitOrder(1);
            context.addServlet(holder, mapping);
            // Jakarta WebSocket, as Jetty's ee10 WebSocket support provides it.
            JakartaWebSocketServletContainerInitializer.configure(context, null);
            server.setHandler(context);
            // As the standalone server: on stop, graceful components (the WebSocket sessions) close first, with 1001.
            server.setStopTimeout(5_000);
            server.start();
            int port = connector.getLocalPort();
            return new Running(URI.create("http://127.0.0.1:" + port), server::stop);
        }
    };

    /** Starts {@code servlet} under {@code mapping} (e.g. {@code /v1/*}). */
    Running start(HttpServlet servlet, String mapping) throws Exception {
        return start(servlet, mapping, 0);
    }

    /** Starts {@code servlet} under {@code mapping} with at most {@code maxThreads} request threads (0: default). */
    Running start(HttpServlet servlet, String mapping, int maxThreads) throws Exception {
        return start(servlet, mapping, maxThreads, 0);
    }

    /**
     * Starts {@code servlet} under {@code mapping} with at most {@code maxThreads} request threads (0: default) and the
     * connector's idle timeout (Jetty's {@code idleTimeout}, Tomcat's {@code connectionTimeout}; 0: the default).
     */
    abstract Running start(HttpServlet servlet, String mapping, int maxThreads, int idleTimeoutMillis) throws Exception;

    /** A started container. */
    record Running(URI base, Stopper stopper) implements AutoCloseable {
        @Override
        public void close() {
            try {
                stopper.stop();
            } catch (Exception e) {
                throw new IllegalStateException("the container did not stop", e);
            }
        }
    }

    /** Stops a container. */
    @FunctionalInterface
    interface Stopper {
        void stop() throws Exception;
    }
}
