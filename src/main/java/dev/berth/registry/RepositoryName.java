package dev.berth.registry;

import java.util.regex.Pattern;

/**
 * A repository name ({@code library/ubuntu}), checked against the spec's grammar and length.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests">names</a>
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
  private static final Pattern GRAMMAR =
      Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  /** Distribution's limit; the spec lets registries cap names, clients keep them under 255. */
  public static final int MAX_LENGTH = 255;

  public RepositoryName {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
      throw ErrorCode.NAME_INVALID.with("invalid repository name: " + DigestAlgorithm.clip(String.valueOf(value)));
    }
  }

  public static RepositoryName parse(String value) {
    return new RepositoryName(value);
  }

  @Override
  public String toString() {
    return value;
  }

  @Override
  public int compareTo(RepositoryName o) {
    return value.compareTo(o.value);
  }
}
