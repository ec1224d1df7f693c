package dev.berth.gc;

import dev.berth.config.BerthConfig;
import dev.berth.config.RetentionConfig;
import dev.berth.registry.RepositoryPattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code berth.retention.rules.<rule>} entry, parsed: the repositories it applies to, what it
 * keeps (the newest N tags, tags matching a regex) and what it drops (the tags beyond the newest N,
 * tags and untagged manifests older than a duration).
 */
record RetentionRule(String name, List<RepositoryPattern> repositories, Optional<Integer> keepNewest,
    Optional<Pattern> keepTags, Optional<Duration> dropTagsOlderThan, Optional<Duration> dropUntaggedOlderThan) {
  RetentionRule {
    repositories = List.copyOf(repositories);
  }

  /** The configured rules, in name order (so logs and dry runs read the same each run). */
  static List<RetentionRule> of(BerthConfig config) {
    return config.retention().rules().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> of(e.getKey(), e.getValue())).toList();
  }

  static RetentionRule of(String name, RetentionConfig.Rule r) {
    return new RetentionRule(name, r.repositories().stream().map(String::trim).map(RepositoryPattern::parse).toList(),
        r.keepNewest(), r.keepTags().map(Pattern::compile), r.dropTagsOlderThan(), r.dropUntaggedOlderThan());
  }

  boolean appliesTo(String repository) {
    return repositories.stream().anyMatch(p -> p.matches(repository));
  }

  /** Whether the rule keeps the tag, the {@code rank}-th newest (0 = newest) of its repository. */
  boolean keeps(String tag, int rank) {
    return keepNewest.map(n -> rank < n).orElse(false) || keepTags.map(p -> p.matcher(tag).matches()).orElse(false);
  }

  /** Whether the rule drops the tag, the {@code rank}-th newest, set {@code age} ago. */
  boolean drops(int rank, Duration age) {
    return keepNewest.map(n -> rank >= n).orElse(false) || dropTagsOlderThan.map(d -> age.compareTo(d) > 0).orElse(false);
  }
}
