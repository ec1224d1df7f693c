package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TagTest {

  @ParameterizedTest
  @ValueSource(strings = {"latest", "v1", "1.0.0", "v1.2.3-rc.1", "_private", "A", "UPPER_lower", "0", "a-_.b", "__"})
  void parse_validTag(String tag) {
    assertEquals(tag, new Tag(tag).value());
    assertEquals(tag, new Tag(tag).toString());
    assertTrue(Tag.isValid(tag));
  }

  @Test
  void parse_128Characters_isValid() {
    String tag = "t".repeat(128);
    assertEquals(tag, new Tag(tag).value());
  }

  @Test
  void parse_129Characters_isTagInvalid() {
    assertInvalid("t".repeat(129));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {".hidden", "-dash", "a/b", "a:b", "a b", "a+b", "a@b", "é", "a\nb"})
  void parse_invalidTag_isTagInvalid(String tag) {
    assertInvalid(tag);
  }

  @Test
  void compareTo_lexical() {
    assertTrue(new Tag("a").compareTo(new Tag("b")) < 0);
    assertTrue(new Tag("B").compareTo(new Tag("a")) < 0);
  }

  private static void assertInvalid(String tag) {
    assertFalse(Tag.isValid(tag));
    RegistryException e = assertThrows(RegistryException.class, () -> new Tag(tag), String.valueOf(tag));
    assertEquals(ErrorCode.TAG_INVALID, e.code());
    assertEquals(400, e.code().status());
  }
}
