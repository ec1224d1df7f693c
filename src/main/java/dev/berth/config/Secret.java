package dev.berth.config;

/**
 * A credential from configuration (an account key, a SAS token, a connection string). Its
 * {@code toString} never shows the value, so logging a config object or an exception built from
 * one can't leak it.
 */
public record Secret(String value) {
  @Override
  public String toString() {
    return "***";
  }
}
