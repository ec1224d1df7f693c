package dev.berth.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Retention rules {@code berth gc} applies before it marks (README "Retention"). */
public interface RetentionConfig {
  /** The rules, by a name of your choice; a tag or manifest goes when a rule drops it and none keeps it. */
  Map<String, Rule> rules();

  /** One retention rule; only the parts set act. */
  interface Rule {
    /** Repository patterns ({@code *} within a component, {@code **} across) the rule applies to. */
    List<String> repositories();

    /** Keep the newest N tags (by the time each was last set); the older ones are dropped. */
    Optional<Integer> keepNewest();

    /** Keep every tag that matches this regular expression (the whole tag). */
    Optional<String> keepTags();

    /** Drop tags last set longer ago than this (e.g. {@code P30D}). */
    Optional<Duration> dropTagsOlderThan();

    /** Drop manifests no tag reaches (directly, as an index child, or as a referrer) linked longer ago than this. */
    Optional<Duration> dropUntaggedOlderThan();
  }

  /** Tag protection ({@code berth.tags}). */
  interface Tags {
    /**
     * Immutable tags, as {@code <repository pattern>:<tag glob>} entries (comma-separated, e.g.
     * {@code releases/**:v*}): once set, such a tag can't be moved to another manifest or deleted.
     */
    Optional<List<String>> immutable();
  }
}
