/** ORS Gateway's transcoder between the Open Responses API and Chat Completions. */
module dev.orsgateway.transcoder {
    requires transitive dev.orsgateway.core;
    requires org.slf4j;

    exports dev.orsgateway.transcoder;
}
