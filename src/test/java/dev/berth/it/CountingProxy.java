package dev.berth.it;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of storage (Azurite) that counts the requests in flight
 * by kind (Put Block, ranged GET, other) and their peak, and can add a fixed latency to every
 * request, as a far-away storage account would; {@link #failRequests} makes it drop every new
 * request (a storage outage in the middle of a transfer). One thread per connection; it parses
 * only framing (Content-Length, chunked), never bodies.
 *
 * <p>{@code java -cp target/test-classes dev.berth.it.CountingProxy PORT UPSTREAM_PORT DELAY_MS}
 * runs it alone (bench/azure.sh).
 */
public final class CountingProxy implements AutoCloseable {
  /** What a request is, for counting. */
  public enum Kind { STAGE_BLOCK, RANGE_READ, OTHER }

  private final ServerSocket server;
  private final int upstreamPort;
  private final long delayMillis;
  private final Map<Kind, AtomicInteger> inFlight = new EnumMap<>(Kind.class);
  private final Map<Kind, AtomicInteger> peak = new EnumMap<>(Kind.class);
  private final Map<Kind, AtomicInteger> total = new EnumMap<>(Kind.class);
  private volatile boolean failing;

  public CountingProxy(int port, int upstreamPort, long delayMillis) throws IOException {
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    this.upstreamPort = upstreamPort;
    this.delayMillis = delayMillis;
    for (Kind k : Kind.values()) {
      inFlight.put(k, new AtomicInteger());
      peak.put(k, new AtomicInteger());
      total.put(k, new AtomicInteger());
    }
    Thread accept = new Thread(this::acceptLoop, "counting-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  public static void main(String[] args) throws Exception {
    try (CountingProxy p = new CountingProxy(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]))) {
      Thread.currentThread().join(); // until killed
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The blob endpoint of Azurite's account through this proxy. */
  public String endpoint() {
    return "http://127.0.0.1:" + port() + "/" + Azurite.ACCOUNT;
  }

  public int inFlight(Kind k) {
    return inFlight.get(k).get();
  }

  /** The most requests of this kind that were in flight at once since the last {@link #reset}. */
  public int peak(Kind k) {
    return peak.get(k).get();
  }

  public int total(Kind k) {
    return total.get(k).get();
  }

  public void reset() {
    for (Kind k : Kind.values()) {
      peak.get(k).set(inFlight.get(k).get());
      total.get(k).set(0);
    }
  }

  /** From now on every new request is dropped: the connection closes without an answer. */
  public void failRequests(boolean fail) {
    failing = fail;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> serve(client), "counting-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /**
   * Serves one client connection, request after request, each over a new connection to storage:
   * reusing one would race storage closing it when idle (Azurite after 5 s) against the client's
   * next request, which would then be dropped unanswered and retried by the SDK after a backoff.
   */
  private void serve(Socket client) {
    try (client) {
      InputStream cin = new BufferedInputStream(client.getInputStream(), 65536);
      OutputStream cout = new BufferedOutputStream(client.getOutputStream(), 65536);
      while (true) {
        byte[] head = readHead(cin);
        if (head == null || failing) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String requestLine = text.substring(0, text.indexOf("\r\n"));
        String method = requestLine.substring(0, requestLine.indexOf(' '));
        Kind kind = kind(method, requestLine, text);
        int now = inFlight.get(kind).incrementAndGet();
        peak.get(kind).accumulateAndGet(now, Math::max);
        total.get(kind).incrementAndGet();
        // The request stops counting just before its answer's last bytes go out: counted after
        // the flush, the client could already have its answer and start the next request first.
        java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);
        Runnable end = () -> {
          if (counted.getAndSet(false)) {
            inFlight.get(kind).decrementAndGet();
          }
        };
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
          InputStream uin = new BufferedInputStream(upstream.getInputStream(), 65536);
          OutputStream uout = new BufferedOutputStream(upstream.getOutputStream(), 65536);
          if (delayMillis > 0) {
            Thread.sleep(delayMillis);
          }
          uout.write(head);
          copyBody(text, cin, uout, false, () -> { });
          uout.flush();
          byte[] response;
          String rtext;
          boolean interim;
          do {
            response = readHead(uin);
            if (response == null) {
              return;
            }
            rtext = new String(response, StandardCharsets.ISO_8859_1);
            interim = rtext.startsWith("HTTP/1.1 100");
            int status = Integer.parseInt(rtext.substring(9, 12));
            boolean body = !interim && !method.equals("HEAD") && status != 204 && status != 304;
            if (!interim && !body) {
              end.run();
            }
            cout.write(response);
            if (body) {
              copyBody(rtext, uin, cout, true, end);
            }
          } while (interim);
          cout.flush();
        } finally {
          end.run();
        }
      }
    } catch (IOException | RuntimeException e) {
      // a connection ended: both sides close
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Kind kind(String method, String requestLine, String head) {
    String lower = head.toLowerCase(Locale.ROOT);
    if (method.equals("PUT") && requestLine.contains("comp=block") && !requestLine.contains("comp=blocklist")) {
      return Kind.STAGE_BLOCK;
    }
    if (method.equals("GET") && (lower.contains("\r\nx-ms-range:") || lower.contains("\r\nrange:"))) {
      return Kind.RANGE_READ;
    }
    return Kind.OTHER;
  }

  /** Head up to and including the blank line; null at a clean end of stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (out.size() == 0) {
          return null;
        }
        throw new EOFException("end of stream inside a message head");
      }
      out.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1
          : b == '\r' ? 1 : 0;
    }
    return out.toByteArray();
  }

  /** Copies a message body; {@code beforeLast} runs just before its last bytes are written. */
  private static void copyBody(String head, InputStream in, OutputStream out, boolean response, Runnable beforeLast)
      throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    String length = header(lower, "content-length");
    String te = header(lower, "transfer-encoding");
    if (te != null && te.contains("chunked")) {
      copyChunked(in, out, beforeLast);
    } else if (length != null) {
      copy(in, out, Long.parseLong(length.trim()), beforeLast);
    } else if (response) {
      in.transferTo(out); // no framing: the body ends with the connection, after beforeLast runs
    }
    beforeLast.run();
  }

  private static String header(String lowerHead, String name) {
    int i = lowerHead.indexOf("\r\n" + name + ":");
    if (i < 0) {
      return null;
    }
    int from = i + name.length() + 3;
    return lowerHead.substring(from, lowerHead.indexOf("\r\n", from)).trim();
  }

  private static void copy(InputStream in, OutputStream out, long n, Runnable beforeLast) throws IOException {
    byte[] buf = new byte[65536];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new EOFException("body cut short");
      }
      if (r == n) {
        beforeLast.run();
      }
      out.write(buf, 0, r);
      n -= r;
    }
  }

  private static void copyChunked(InputStream in, OutputStream out, Runnable beforeLast) throws IOException {
    while (true) {
      String line = readLine(in);
      int semi = line.indexOf(';');
      long size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
      if (size == 0) {
        beforeLast.run();
      }
      out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      if (size == 0) {
        String trailer;
        do {
          trailer = readLine(in);
          out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        } while (!trailer.isEmpty());
        return;
      }
      copy(in, out, size + 2, () -> { }); // the data and its CRLF
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    if (b < 0) {
      throw new EOFException("end of stream inside a chunk header");
    }
    return sb.toString();
  }
}
