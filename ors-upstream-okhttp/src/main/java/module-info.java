/** ORS Gateway's Chat Completions upstream over OkHttp and okhttp-sse. */
module dev.orsgateway.upstream.okhttp {
    requires transitive dev.orsgateway.core;
    requires transitive okhttp3;
    requires okhttp3.sse;
    requires org.slf4j;

    exports dev.orsgateway.upstream.okhttp;
}
