/**
 * ORS Gateway's core: the Open Responses and Chat Completions models, the JSON mapper, the SPIs and the gateway.
 * Only API packages are exported; the model packages are opened to Jackson, which binds them reflectively.
 */
module dev.orsgateway.core {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive com.fasterxml.jackson.core;
    requires transitive com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.module.blackbird;
    requires transitive java.net.http;
    requires org.slf4j;

    exports dev.orsgateway.core;
    exports dev.orsgateway.core.chat;
    exports dev.orsgateway.core.json;
    exports dev.orsgateway.core.model;
    exports dev.orsgateway.core.routing;
    exports dev.orsgateway.core.spi;
    exports dev.orsgateway.core.upstream;

    opens dev.orsgateway.core.chat to
            com.fasterxml.jackson.databind;
    opens dev.orsgateway.core.model to
            com.fasterxml.jackson.databind;
    opens dev.orsgateway.core.model.internal to
            com.fasterxml.jackson.databind;
    opens dev.orsgateway.core.internal to
            com.fasterxml.jackson.databind;
}
