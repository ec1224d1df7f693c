package dev.berth.proxy;

import java.io.IOException;

/**
 * The upstream can't be used for this request: unreachable, refusing, or asking for something
 * Berth won't do (a token realm on another host). The message names the upstream and the
 * problem, never a URL's query, a header or a credential: it may reach a client.
 */
final class UpstreamException extends IOException {
  private final int status;

  UpstreamException(String message, int status) {
    super(message);
    this.status = status;
  }

  /** The upstream's HTTP status, or -1 when it gave none. */
  int status() {
    return status;
  }
}
