package dev.berth.api;

import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte on a socket: no client library normalises the path, merges
 * headers or fixes the framing, so tests can send exactly what a hostile or broken client would.
 */
final class RawHttp {
  private RawHttp() {}

  /**
   * The first response to what was sent: status, headers (lower-case names, last wins), body, and
   * (read to the end of the connection) whatever the server sent after it.
   */
  record Reply(int status, Map<String, String> headers, String body, String after) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** {@code METHOD target HTTP/1.1}, a Host header and no body. */
  static Reply request(String method, String target) {
    return send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
  }

  /** Sends the text as it is (CRLFs included) to the registry under test; reads one response. */
  static Reply send(String raw) {
    return send(raw, false);
  }

  /** Sends the text and reads until the server closes the connection (or 5 s pass). */
  static Reply sendToClose(String raw) {
    return send(raw, true);
  }

  private static Reply send(String raw, boolean toClose) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return read(s.getInputStream(), raw.startsWith("HEAD "), toClose);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Reply read(InputStream in, boolean head, boolean toClose) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] b = new byte[8192];
    int headEnd = -1;
    Map<String, String> headers = new LinkedHashMap<>();
    int status = -1;
    long length = -1;
    while (true) {
      int n;
      try {
        n = in.read(b);
      } catch (SocketTimeoutException e) {
        break;
      }
      if (n < 0) {
        break;
      }
      buf.write(b, 0, n);
      String text = buf.toString(StandardCharsets.ISO_8859_1);
      if (headEnd < 0 && (headEnd = text.indexOf("\r\n\r\n")) >= 0) {
        String[] lines = text.substring(0, headEnd).split("\r\n");
        status = Integer.parseInt(lines[0].split(" ")[1]);
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String cl = headers.get("content-length");
        length = head || status == 304 || status == 204 ? 0 : cl == null ? -1 : Long.parseLong(cl);
      }
      if (!toClose && headEnd >= 0 && length >= 0 && buf.size() - headEnd - 4 >= length) {
        break;
      }
    }
    String text = buf.toString(StandardCharsets.ISO_8859_1);
    if (headEnd < 0) {
      if (toClose) {
        return new Reply(-1, Map.of(), "", text); // closed without answering
      }
      throw new IOException("no response head in: " + text);
    }
    String body = text.substring(headEnd + 4);
    String after = "";
    if (length >= 0 && body.length() > length) {
      after = body.substring((int) length);
      body = body.substring(0, (int) length);
    }
    return new Reply(status, headers, body, after);
  }
}
