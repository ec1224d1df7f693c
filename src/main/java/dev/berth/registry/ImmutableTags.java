package dev.berth.registry;

import dev.berth.config.BerthConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The immutable tags of {@code berth.tags.immutable}: {@code <repository pattern>:<tag glob>}
 * entries ({@code releases/**:v*}; in the glob {@code *} is any run of characters, {@code ?} one).
 * Such a tag, once set, keeps its manifest: a push of another manifest under it and a delete of it
 * (or of its manifest) are refused; a push of the same manifest again is fine.
 *
 * <p>Status codes: the spec has no code for "this tag may not be overwritten", and its
 * {@code TAG_INVALID} means a tag that doesn't match the URI, so an overwrite answers
 * {@code 403 DENIED} (as a push the rules forbid: the client is told it may not, clients don't
 * retry it, and docker shows the detail). A delete follows the spec's rule for registries where tag
 * deletion is disabled ({@code 405 UNSUPPORTED}, as with {@code berth.delete.enabled=false}).
 */
@Singleton
public class ImmutableTags {
  private record Rule(String text, RepositoryPattern repositories, Pattern tags) {}

  private final List<Rule> rules;

  @Inject
  public ImmutableTags(BerthConfig config) {
    this(config.tags().immutable().orElse(List.of()));
  }

  /** @throws IllegalArgumentException for an entry that isn't {@code <repository pattern>:<tag glob>} */
  ImmutableTags(List<String> entries) {
    this.rules = entries.stream().map(String::trim).filter(e -> !e.isEmpty()).map(ImmutableTags::parse).toList();
  }

  private static Rule parse(String entry) {
    int colon = entry.lastIndexOf(':');
    String glob = colon < 0 ? "" : entry.substring(colon + 1);
    if (colon <= 0 || !glob.matches("[A-Za-z0-9._*?-]+")) {
      throw new IllegalArgumentException("berth.tags.immutable: '" + entry + "' is not <repository pattern>:<tag glob>");
    }
    StringBuilder r = new StringBuilder();
    for (char c : glob.toCharArray()) {
      r.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return new Rule(entry, RepositoryPattern.parse(entry.substring(0, colon)), Pattern.compile(r.toString()));
  }

  /** The entry that makes the tag immutable, if any. */
  public Optional<String> ruleFor(RepositoryName repo, Tag tag) {
    return rules.stream()
        .filter(r -> r.repositories().matches(repo.value()) && r.tags().matcher(tag.value()).matches())
        .map(Rule::text).findFirst();
  }

  /** Whether any entry covers the repository (else its tags needn't be looked at). */
  public boolean any(RepositoryName repo) {
    return rules.stream().anyMatch(r -> r.repositories().matches(repo.value()));
  }

  /**
   * Refuses a push of {@code digest} under tags of which an immutable one names another manifest.
   *
   * @param target the digest a tag names now (empty: no such tag)
   */
  void checkPush(RepositoryName repo, Set<Tag> tags, Digest digest, Function<Tag, Optional<Digest>> target) {
    for (Tag t : tags) {
      ruleFor(repo, t).ifPresent(rule -> target.apply(t).filter(current -> !current.equals(digest))
          .ifPresent(current -> {
            throw overwrite(t, current, rule);
          }));
    }
  }

  /** Refuses the delete of a manifest that an immutable tag among {@code tagNames} names. */
  void checkDelete(RepositoryName repo, List<String> tagNames, Digest digest, Function<Tag, Optional<Digest>> target) {
    for (String name : tagNames) {
      Tag tag = Tag.isValid(name) ? new Tag(name) : null;
      Optional<String> rule = tag == null ? Optional.empty() : ruleFor(repo, tag);
      if (rule.isPresent() && target.apply(tag).filter(digest::equals).isPresent()) {
        throw delete(tag, rule.get());
      }
    }
  }

  /** The refusal of a push that would move an immutable tag. */
  private static RegistryException overwrite(Tag tag, Digest current, String rule) {
    return ErrorCode.DENIED.with("tag " + tag + " is immutable (berth.tags.immutable " + rule + ") and names " + current
        + "; push under a new tag");
  }

  /** The refusal of a delete of an immutable tag, or of the manifest one names. */
  static RegistryException delete(Tag tag, String rule) {
    return ErrorCode.UNSUPPORTED.with("tag " + tag + " is immutable (berth.tags.immutable " + rule + ") and can't be deleted");
  }
}
