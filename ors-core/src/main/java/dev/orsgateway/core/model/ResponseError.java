package dev.orsgateway.core.model;

/**
 * The error of a failed response ({@code Response.error}).
 *
 * @param code a machine-readable code, e.g. {@code server_error} or {@code upstream_error}
 * @param message what went wrong
 */
public record ResponseError(String code, String message) {}
