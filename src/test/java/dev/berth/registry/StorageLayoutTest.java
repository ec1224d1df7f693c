package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.storage.StorageKeys;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage layout is a persistent format: data written by one version must be found by the
 * next. Every key is spelled out here, so any change to the layout shows up as a failing row.
 */
class StorageLayoutTest {
  private static final String HEX = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
  private static final String HEX2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String HEX512 = "f0" + "1".repeat(126);
  private static final Digest D = Digest.parse("sha256:" + HEX);
  private static final Digest D2 = Digest.parse("sha256:" + HEX2);
  private static final Digest D512 = Digest.parse("sha512:" + HEX512);
  private static final RepositoryName UBUNTU = RepositoryName.parse("library/ubuntu");
  private static final RepositoryName BUSYBOX = RepositoryName.parse("busybox");
  private static final RepositoryName DEEP = RepositoryName.parse("a.b/c_d/e-f");
  private static final String UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";

  static Stream<Arguments> goldenTable() {
    return Stream.of(
        row("REPOSITORIES", () -> StorageLayout.REPOSITORIES, "repositories/"),
        row("UPLOADS", () -> StorageLayout.UPLOADS, "_uploads/"),
        row("blobData(sha256)", () -> StorageLayout.blobData(D),
            "blobs/sha256/ab/" + HEX + "/data"),
        row("blobData(sha256, other)", () -> StorageLayout.blobData(D2),
            "blobs/sha256/01/" + HEX2 + "/data"),
        row("blobData(sha512)", () -> StorageLayout.blobData(D512),
            "blobs/sha512/f0/" + HEX512 + "/data"),
        row("repositoryEntry(busybox)", () -> StorageLayout.repositoryEntry(BUSYBOX), "busybox/"),
        row("repositoryEntry(library/ubuntu)", () -> StorageLayout.repositoryEntry(UBUNTU), "library,ubuntu/"),
        row("repositoryEntry(a.b/c_d/e-f)", () -> StorageLayout.repositoryEntry(DEEP), "a.b,c_d,e-f/"),
        row("repository(busybox)", () -> StorageLayout.repository(BUSYBOX), "repositories/busybox/"),
        row("repository(library/ubuntu)", () -> StorageLayout.repository(UBUNTU), "repositories/library,ubuntu/"),
        row("layerLink", () -> StorageLayout.layerLink(UBUNTU, D),
            "repositories/library,ubuntu/_layers/sha256/" + HEX),
        row("layerLink(sha512)", () -> StorageLayout.layerLink(BUSYBOX, D512),
            "repositories/busybox/_layers/sha512/" + HEX512),
        row("manifestLink", () -> StorageLayout.manifestLink(UBUNTU, D),
            "repositories/library,ubuntu/_manifests/sha256/" + HEX),
        row("manifestLink(sha512)", () -> StorageLayout.manifestLink(UBUNTU, D512),
            "repositories/library,ubuntu/_manifests/sha512/" + HEX512),
        row("tags", () -> StorageLayout.tags(UBUNTU), "repositories/library,ubuntu/_tags/"),
        row("tag(latest)", () -> StorageLayout.tag(UBUNTU, new Tag("latest")),
            "repositories/library,ubuntu/_tags/latest"),
        row("tag(v1.2.3-rc_1)", () -> StorageLayout.tag(BUSYBOX, new Tag("v1.2.3-rc_1")),
            "repositories/busybox/_tags/v1.2.3-rc_1"),
        row("referrers", () -> StorageLayout.referrers(UBUNTU, D),
            "repositories/library,ubuntu/_referrers/sha256/" + HEX + "/"),
        row("referrer", () -> StorageLayout.referrer(UBUNTU, D, D2),
            "repositories/library,ubuntu/_referrers/sha256/" + HEX + "/sha256-" + HEX2),
        row("referrer(sha512 referrer)", () -> StorageLayout.referrer(UBUNTU, D, D512),
            "repositories/library,ubuntu/_referrers/sha256/" + HEX + "/sha512-" + HEX512),
        row("UPLOAD_DATA", () -> StorageLayout.UPLOAD_DATA, "_data/"),
        row("uploadState", () -> StorageLayout.uploadState(UUID), "_uploads/" + UUID),
        row("uploadData", () -> StorageLayout.uploadData(UUID), "_data/" + UUID));
  }

  private static Arguments row(String name, Supplier<String> key, String expected) {
    return Arguments.of(name, key, expected);
  }

  @ParameterizedTest(name = "{0} = {2}")
  @MethodSource("goldenTable")
  void layoutKey_isExactlyTheGoldenKey(String name, Supplier<String> key, String expected) {
    assertEquals(expected, key.get(), name);
  }

  @ParameterizedTest(name = "{0} is a valid storage key")
  @MethodSource("goldenTable")
  void layoutKey_isAcceptedByEveryDriver(String name, Supplier<String> key, String expected) {
    String k = key.get();
    if (k.endsWith("/")) {
      StorageKeys.checkPrefix(k);
    } else {
      StorageKeys.check(k);
    }
  }

  @Test
  void repositoryOf_entryWithSlash() {
    assertEquals(UBUNTU, StorageLayout.repositoryOf("library,ubuntu/"));
    assertEquals(DEEP, StorageLayout.repositoryOf("a.b,c_d,e-f/"));
  }

  @Test
  void repositoryOf_entryWithoutSlash() {
    assertEquals(BUSYBOX, StorageLayout.repositoryOf("busybox"));
  }

  @Test
  void repositoryOf_roundTripsRepositoryEntry() {
    for (RepositoryName n : new RepositoryName[] {UBUNTU, BUSYBOX, DEEP}) {
      assertEquals(n, StorageLayout.repositoryOf(StorageLayout.repositoryEntry(n)));
    }
  }

  @Test
  void repositoryOf_notARepositoryName_isNameInvalid() {
    assertEquals(ErrorCode.NAME_INVALID,
        assertThrows(RegistryException.class, () -> StorageLayout.repositoryOf("_uploads/")).code());
    assertEquals(ErrorCode.NAME_INVALID,
        assertThrows(RegistryException.class, () -> StorageLayout.repositoryOf("a,,b/")).code());
  }

  @Test
  void repositoryKeys_areAllUnderTheRepositoryPrefix() {
    String prefix = StorageLayout.repository(UBUNTU);
    for (String k : new String[] {StorageLayout.layerLink(UBUNTU, D), StorageLayout.manifestLink(UBUNTU, D),
        StorageLayout.tag(UBUNTU, new Tag("x")), StorageLayout.referrer(UBUNTU, D, D2)}) {
      assertEquals(prefix, k.substring(0, prefix.length()), k);
    }
  }
}
