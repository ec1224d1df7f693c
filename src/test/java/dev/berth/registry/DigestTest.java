package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  // sha256 and sha512 of zero bytes and of "abc" (FIPS 180-2 test vectors).
  static final String SHA256_EMPTY = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  static final String SHA256_ABC = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  static final String SHA512_ABC = "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

  @Test
  void parse_sha256() {
    Digest d = Digest.parse(SHA256_ABC);
    assertEquals(DigestAlgorithm.SHA256, d.algorithm());
    assertEquals(SHA256_ABC.substring("sha256:".length()), d.hex());
  }

  @Test
  void parse_sha512() {
    Digest d = Digest.parse(SHA512_ABC);
    assertEquals(DigestAlgorithm.SHA512, d.algorithm());
    assertEquals(128, d.hex().length());
  }

  @Test
  void toString_isCanonicalForm() {
    assertEquals(SHA256_ABC, Digest.parse(SHA256_ABC).toString());
    assertEquals(SHA512_ABC, Digest.parse(SHA512_ABC).toString());
  }

  @Test
  void of_sha256OfContent() {
    assertEquals(SHA256_ABC, Digest.of(DigestAlgorithm.SHA256, "abc".getBytes(StandardCharsets.US_ASCII)).toString());
  }

  @Test
  void of_sha512OfContent() {
    assertEquals(SHA512_ABC, Digest.of(DigestAlgorithm.SHA512, "abc".getBytes(StandardCharsets.US_ASCII)).toString());
  }

  @Test
  void of_emptyContent() {
    assertEquals(SHA256_EMPTY, Digest.of(DigestAlgorithm.SHA256, new byte[0]).toString());
  }

  @Test
  void equals_sameTextSameDigest() {
    assertEquals(Digest.parse(SHA256_ABC), Digest.parse(SHA256_ABC));
    assertEquals(0, Digest.parse(SHA256_ABC).compareTo(Digest.parse(SHA256_ABC)));
    assertNotEquals(Digest.parse(SHA256_ABC), Digest.parse(SHA256_EMPTY));
  }

  @Test
  void compareTo_ordersByText() {
    assertTrue(Digest.parse(SHA256_ABC).compareTo(Digest.parse(SHA256_EMPTY)) < 0);
    assertTrue(Digest.parse(SHA512_ABC).compareTo(Digest.parse(SHA256_ABC)) > 0);
  }

  @Test
  void parse_totallyWrong_isDigestInvalid() {
    assertInvalid("sha256:totallywrong");
  }

  @Test
  void parse_uppercaseHex_isDigestInvalid() {
    assertInvalid(SHA256_ABC.toUpperCase().replace("SHA256", "sha256"));
  }

  @Test
  void parse_uppercaseAlgorithm_isDigestInvalid() {
    assertInvalid("SHA256" + SHA256_ABC.substring("sha256".length()));
  }

  @Test
  void parse_unknownAlgorithm_isDigestInvalid() {
    assertInvalid("md5:d41d8cd98f00b204e9800998ecf8427e");
    assertInvalid("sha384:" + "a".repeat(96));
    assertInvalid("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564");
  }

  @Test
  void parse_sha256WithWrongLength_isDigestInvalid() {
    assertInvalid("sha256:" + "a".repeat(63));
    assertInvalid("sha256:" + "a".repeat(65));
    assertInvalid("sha256:" + "a".repeat(128));
  }

  @Test
  void parse_sha512WithWrongLength_isDigestInvalid() {
    assertInvalid("sha512:" + "a".repeat(64));
    assertInvalid("sha512:" + "a".repeat(127));
    assertInvalid("sha512:" + "a".repeat(129));
  }

  @Test
  void parse_longerThan256Characters_isDigestInvalid() {
    assertInvalid("sha256:" + "a".repeat(300));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"sha256", "sha256:", ":abc", "abc", "sha256:abc:def", " sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2001/ad"})
  void parse_malformed_isDigestInvalid(String text) {
    assertInvalid(text);
  }

  @Test
  void constructor_rejectsHexThatDoesNotFitTheAlgorithm() {
    RegistryException e = assertThrows(RegistryException.class, () -> new Digest(DigestAlgorithm.SHA512, "a".repeat(64)));
    assertEquals(ErrorCode.DIGEST_INVALID, e.code());
  }

  @Test
  void looksLikeDigest_textWithColon() {
    assertTrue(Digest.looksLikeDigest(SHA256_ABC));
    assertTrue(Digest.looksLikeDigest("md5:abc"));
    assertFalse(Digest.looksLikeDigest("latest"));
    assertFalse(Digest.looksLikeDigest(":abc"));
  }

  @Test
  void algorithmOf_unknown_isDigestInvalid() {
    RegistryException e = assertThrows(RegistryException.class, () -> DigestAlgorithm.of("md5"));
    assertEquals(ErrorCode.DIGEST_INVALID, e.code());
    assertEquals(400, e.code().status());
  }

  @Test
  void algorithm_hexLengths() {
    assertEquals(64, DigestAlgorithm.SHA256.hexLength());
    assertEquals(128, DigestAlgorithm.SHA512.hexLength());
    assertEquals("sha256", DigestAlgorithm.SHA256.id());
    assertEquals("sha512", DigestAlgorithm.SHA512.id());
  }

  private static void assertInvalid(String text) {
    RegistryException e = assertThrows(RegistryException.class, () -> Digest.parse(text), String.valueOf(text));
    assertEquals(ErrorCode.DIGEST_INVALID, e.code(), String.valueOf(text));
    assertEquals(400, e.code().status());
  }
}
