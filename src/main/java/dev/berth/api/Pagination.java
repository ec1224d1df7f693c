package dev.berth.api;

import dev.berth.registry.ErrorCode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code ?n=&last=} parsing and the {@code Link: <...>; rel="next"} header. */
final class Pagination {
  private Pagination() {}

  /**
   * The page size: {@code n} capped at {@code max}; {@code whenAbsent} when there is no {@code n}.
   *
   * @throws dev.berth.registry.RegistryException PAGINATION_NUMBER_INVALID for a non-number or a
   *     negative number
   */
  static int size(String n, int max, int whenAbsent) {
    if (n == null || n.isEmpty()) {
      return whenAbsent;
    }
    try {
      int v = Integer.parseInt(n);
      if (v < 0) {
        throw ErrorCode.PAGINATION_NUMBER_INVALID.with("n must not be negative");
      }
      return Math.min(v, max);
    } catch (NumberFormatException e) {
      throw ErrorCode.PAGINATION_NUMBER_INVALID.with("n must be a number");
    }
  }

  static String next(String path, int n, String last) {
    return "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"";
  }
}
