package dev.berth.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The web UI at {@code /ui} (README "Web UI"). */
public interface UiConfig {
  /**
   * How long a web UI sign-in lasts. The session is a signed cookie (any replica accepts it);
   * signing out, a changed password or a removed account end it before then.
   */
  @WithDefault("PT8H")
  Duration sessionTtl();
}
