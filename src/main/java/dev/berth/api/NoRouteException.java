package dev.berth.api;

/** No endpoint has the request's path: a plain 404 outside {@code /v2}, the spec's closest error inside. */
final class NoRouteException extends RuntimeException {
  NoRouteException() {
    super("no such endpoint", null, false, false);
  }
}
