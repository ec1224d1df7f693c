package dev.berth.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@code max} failed sign-ins of one account from one address
 * within a minute, further attempts are refused until the minute is over, without a bcrypt
 * computation (so guessing also can't burn the CPU).
 */
final class LoginThrottle {
  private static final long WINDOW_NANOS = 60_000_000_000L;
  private static final int MAX_TRACKED = 10_000;

  private record Window(long startNanos, int failures) {}

  private final int max;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  LoginThrottle(int max) {
    this.max = max;
  }

  /** Seconds until {@code who} may try again; 0 when it may now. */
  long retryAfterSeconds(String who) {
    Window w = windows.get(who);
    long now = System.nanoTime();
    if (w == null || now - w.startNanos() >= WINDOW_NANOS || w.failures() < max) {
      return 0;
    }
    return Math.max(1, (WINDOW_NANOS - (now - w.startNanos())) / 1_000_000_000L);
  }

  void failed(String who) {
    long now = System.nanoTime();
    if (windows.size() >= MAX_TRACKED) {
      windows.values().removeIf(w -> now - w.startNanos() >= WINDOW_NANOS);
    }
    windows.compute(who, (k, w) -> w == null || now - w.startNanos() >= WINDOW_NANOS
        ? new Window(now, 1) : new Window(w.startNanos(), w.failures() + 1));
  }

  void succeeded(String who) {
    windows.remove(who);
  }
}
