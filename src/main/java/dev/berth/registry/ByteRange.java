package dev.berth.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An inclusive byte range {@code [first, last]}: an HTTP {@code Range: bytes=a-b} request on a
 * blob, or an upload chunk's {@code Content-Range: a-b}.
 */
public record ByteRange(long first, long last) {
  private static final Pattern HTTP_RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");
  private static final Pattern CHUNK_RANGE = Pattern.compile("(?:bytes[ =])?(\\d{1,19})-(\\d{1,19})(?:/(?:\\d{1,19}|\\*))?");

  public ByteRange {
    if (first < 0 || last < first) {
      throw new ChunkRejectedException("invalid range " + first + "-" + last);
    }
  }

  public long length() {
    return last - first + 1;
  }

  /**
   * Resolves a {@code Range} request header against a blob of {@code size} bytes. Empty when the
   * header is absent or is not a single byte range (the whole blob is then served, as RFC 9110
   * allows).
   *
   * @throws RangeNotSatisfiableException when the range can't be satisfied
   */
  public static Optional<ByteRange> ofHttpRange(String header, long size) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher m = HTTP_RANGE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return Optional.empty();
    }
    try {
      if (m.group(1).isEmpty()) { // suffix: the last N bytes
        long n = Long.parseLong(m.group(2));
        if (n == 0 || size == 0) {
          throw unsatisfiable(size);
        }
        return Optional.of(new ByteRange(Math.max(0, size - n), size - 1));
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
      if (first >= size || last < first) {
        throw unsatisfiable(size);
      }
      return Optional.of(new ByteRange(first, last));
    } catch (NumberFormatException e) {
      throw unsatisfiable(size);
    }
  }

  private static RegistryException unsatisfiable(long size) {
    return new RangeNotSatisfiableException(size);
  }

  /**
   * Parses an upload chunk's {@code Content-Range} ({@code a-b}, also {@code bytes a-b} or
   * {@code bytes=a-b/total} as some clients send).
   *
   * @throws ChunkRejectedException when it is malformed
   */
  public static ByteRange ofChunk(String header) {
    Matcher m = CHUNK_RANGE.matcher(header.trim());
    if (!m.matches()) {
      throw new ChunkRejectedException("invalid Content-Range: " + DigestAlgorithm.clip(header));
    }
    try {
      return new ByteRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    } catch (NumberFormatException e) {
      throw new ChunkRejectedException("invalid Content-Range: " + DigestAlgorithm.clip(header));
    }
  }

  /** {@code bytes first-last/size}, for a 206 response. */
  public String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }
}
