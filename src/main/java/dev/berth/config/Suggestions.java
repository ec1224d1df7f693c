package dev.berth.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The known names closest to a mistyped one, for "did you mean ...?". */
final class Suggestions {
  private Suggestions() {}

  /**
   * The candidates nearest to {@code name} by edit distance (all that tie, at most three) when
   * they are near enough to be a typo; else those ending in the same last segment (a property
   * put in the wrong group, {@code berth.purge-after}); else none.
   */
  static List<String> closest(String name, Collection<String> candidates, char separator) {
    int best = Integer.MAX_VALUE;
    List<String> nearest = new ArrayList<>();
    for (String c : candidates) {
      int d = distance(name, c);
      if (d < best) {
        best = d;
        nearest.clear();
      }
      if (d == best && nearest.size() < 3) {
        nearest.add(c);
      }
    }
    if (best <= Math.max(3, name.length() / 4)) {
      return nearest;
    }
    String last = name.substring(name.lastIndexOf(separator) + 1);
    List<String> sameEnd = new ArrayList<>();
    for (String c : candidates) {
      if (!last.isEmpty() && c.endsWith(separator + last) && sameEnd.size() < 3) {
        sameEnd.add(c);
      }
    }
    return sameEnd;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
