package dev.berth.auth;

import dev.berth.registry.Digest;
import dev.berth.registry.DigestAlgorithm;
import dev.berth.registry.Json;
import dev.berth.registry.StorageLayout;
import dev.berth.storage.ListPage;
import dev.berth.storage.Precondition;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import dev.berth.registry.RepositoryPattern;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Robot accounts, kept in the registry's storage ({@link StorageLayout#ROBOTS}) so every replica
 * sees the same ones. A robot signs in with its secret as the password of a Basic login (any user
 * name) or at {@code /token}. A verified secret is remembered for {@link #REMEMBER_NANOS} at most
 * (never past its expiry): a revocation takes effect at once on the replica that revoked it, and
 * within that time on the others.
 */
@Singleton
public class Robots {
  private static final Logger AUDIT = Logger.getLogger("dev.berth.audit");
  static final String PREFIX = "berth_";
  private static final Pattern SECRET = Pattern.compile("berth_([a-z2-7]{16})_[A-Za-z0-9_-]{43}");
  static final long REMEMBER_NANOS = 10_000_000_000L;
  /** How long a robot lives when its creator does not say. */
  public static final Duration DEFAULT_LIFE = Duration.ofDays(90);
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** A robot just made, with its secret: the one time the secret exists outside the client. */
  public record Created(Robot robot, String secret) {}

  private final StorageDriver storage;
  private final SecureRandom random = new SecureRandom();
  private final RecentlyVerified<Robot> seen = new RecentlyVerified<>();
  /** Replaced on every revocation here, which forgets every remembered robot at once. */
  private volatile Object generation = new Object();

  public Robots(StorageDriver storage) {
    this.storage = storage;
  }

  /** Whether a password has the shape of a robot secret (so it is not tried as anything else). */
  public static boolean looksLikeSecret(String password) {
    return password != null && password.startsWith(PREFIX) && SECRET.matcher(password).matches();
  }

  /** @throws IllegalArgumentException when the name is taken or malformed, or the expiry is past */
  public Created create(String name, Grant grant, Instant expires, String createdBy) {
    if (!Robot.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid robot name '" + name + "' (lowercase letters, digits, '.', '_', '-'; at most 64)");
    }
    Instant now = Instant.now();
    if (!expires.isAfter(now)) {
      throw new IllegalArgumentException("the expiry must be in the future");
    }
    if (grant.actions().isEmpty()) {
      throw new IllegalArgumentException("a robot needs at least one action");
    }
    if (list().stream().anyMatch(r -> r.name().equals(name))) {
      throw new IllegalArgumentException("a robot named '" + name + "' exists; revoke it first");
    }
    String id = id();
    byte[] key = new byte[32];
    random.nextBytes(key);
    String secret = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    Robot robot = new Robot(id, name, grant, now.truncatedTo(ChronoUnit.SECONDS), expires, createdBy, sha256(secret));
    storage.putSmall(StorageLayout.robot(id), Json.bytes(robot.json(true)), Precondition.IF_ABSENT);
    AUDIT.infof("robot %s (%s) created by %s: %s %s until %s", name, id, createdBy, grant.repositories(), grant.actions(), expires);
    return new Created(robot, secret);
  }

  /** Every robot, expired ones too (until revoked), by name. */
  public List<Robot> list() {
    List<Robot> out = new ArrayList<>();
    String after = null;
    ListPage page;
    do {
      page = storage.list(StorageLayout.ROBOTS, after, 1000);
      for (String id : page.names()) {
        after = id;
        get(id).ifPresent(out::add);
      }
    } while (page.truncated());
    out.sort(Comparator.comparing(Robot::name));
    return out;
  }

  public Optional<Robot> get(String id) {
    if (!id.matches("[a-z2-7]{16}")) {
      return Optional.empty();
    }
    Optional<SmallObject> o = storage.getSmall(StorageLayout.robot(id));
    if (o.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Robot.parse(o.get().data()));
    } catch (IOException e) {
      throw new StorageException("robot account " + id + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** @return false when there was no such robot */
  public boolean revoke(String id, String by) {
    Optional<Robot> r = get(id);
    boolean gone = r.isPresent() && storage.delete(StorageLayout.robot(id), Precondition.NONE);
    generation = new Object();
    if (gone) {
      AUDIT.infof("robot %s (%s) revoked by %s", r.get().name(), id, by);
    }
    return gone;
  }

  /** The robot whose secret this is, if it exists and has not expired (blocking: reads storage). */
  public Optional<Robot> verify(String secret) {
    var m = SECRET.matcher(secret);
    if (!m.matches()) {
      return Optional.empty();
    }
    Object basis = generation;
    Optional<Robot> robot = get(m.group(1))
        .filter(r -> MessageDigest.isEqual(r.secretHash().getBytes(StandardCharsets.US_ASCII), sha256(secret).getBytes(StandardCharsets.US_ASCII)))
        .filter(r -> !r.expired(Instant.now()));
    robot.ifPresent(r -> seen.put(basis, Math.min(REMEMBER_NANOS, nanosUntil(r.expires())), r, secret));
    return robot;
  }

  /** A robot verified in the last seconds, without reading storage (safe on an event loop). */
  public Optional<Robot> recentlyVerified(String secret) {
    return seen.get(generation, secret);
  }

  /** A grant from the text of a request (patterns, action names). @throws IllegalArgumentException naming what's wrong */
  public static Grant grant(List<String> repositories, List<String> actions) {
    if (repositories.isEmpty() || actions.isEmpty()) {
      throw new IllegalArgumentException("a robot needs repositories and actions (pull, push, delete, catalog)");
    }
    List<RepositoryPattern> patterns = repositories.stream().map(RepositoryPattern::parse).toList();
    Set<Action> set = EnumSet.noneOf(Action.class);
    actions.forEach(a -> set.add(Action.parse(a)));
    return new Grant(patterns, set);
  }

  /** An expiry: an ISO-8601 duration from now ({@code P90D}, {@code PT12H}) or an instant; none: {@link #DEFAULT_LIFE}. */
  public static Instant expiry(String text, Instant now) {
    if (text == null || text.isBlank()) {
      return now.plus(DEFAULT_LIFE).truncatedTo(ChronoUnit.SECONDS);
    }
    try {
      return text.startsWith("P") ? now.plus(Duration.parse(text)).truncatedTo(ChronoUnit.SECONDS) : Instant.parse(text);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("invalid expiry '" + text + "' (a duration such as P90D or an instant such as 2027-01-31T00:00:00Z)");
    }
  }

  private static long nanosUntil(Instant t) {
    return Math.max(0, t.toEpochMilli() - System.currentTimeMillis()) * 1_000_000L;
  }

  private String id() {
    StringBuilder b = new StringBuilder(16);
    for (int i = 0; i < 16; i++) {
      b.append(BASE32[random.nextInt(32)]);
    }
    return b.toString();
  }

  static String sha256(String s) {
    return Digest.of(DigestAlgorithm.SHA256, s.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
