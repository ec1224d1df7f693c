package dev.berth.proxy;

import java.io.IOException;

/**
 * The upstream can't be used for this request: unreachable, refusing, or asking for something
 * Berth won't do (a token realm on another host). The message names the upstream and the
 * problem, never a URL's query, a header or a credential: it may reach a client.
 */
final class UpstreamException extends IOException {
  private final int status;
  private final boolean timedOut;

  UpstreamException(String message, int status) {
    this(message, status, false);
  }

  UpstreamException(String message, int status, boolean timedOut) {
    super(message);
    this.status = status;
    this.timedOut = timedOut;
  }

  /** Whether the upstream gave no answer in time (connecting or answering). */
  boolean timedOut() {
    return timedOut;
  }

  /** The upstream's HTTP status, or -1 when it gave none. */
  int status() {
    return status;
  }
}
