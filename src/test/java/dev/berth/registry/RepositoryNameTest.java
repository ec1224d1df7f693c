package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "ubuntu", "library/ubuntu", "a/b/c/d", "my.app", "my_app", "my__app", "my-app",
      "my---app", "a1/b2.c3_d4__e5-f6", "registry.example.com/team/app", "9x/0"})
  void parse_validName(String name) {
    assertEquals(name, RepositoryName.parse(name).value());
    assertEquals(name, RepositoryName.parse(name).toString());
  }

  @Test
  void parse_255Characters_isValid() {
    String name = "a".repeat(100) + "/" + "b".repeat(154);
    assertEquals(255, name.length());
    assertEquals(name, RepositoryName.parse(name).value());
  }

  @Test
  void parse_256Characters_isNameInvalid() {
    assertInvalid("a".repeat(256));
    assertInvalid("a".repeat(100) + "/" + "b".repeat(155));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"Foo", "library/Ubuntu", "a//b", "-a", "a-", "a/", "/a", "_a", ".a", "a.", "a_", "a..b",
      "a._b", "a___b", "a.-b", "a b", "a:b", "a@b", "a,b", "a\\b", "ä", "a/../b", "a/./b", "..", "a/-b", "a\nb"})
  void parse_invalidName_isNameInvalid(String name) {
    assertInvalid(name);
  }

  @Test
  void compareTo_lexical() {
    assertTrue(RepositoryName.parse("a").compareTo(RepositoryName.parse("b")) < 0);
    assertTrue(RepositoryName.parse("a/b").compareTo(RepositoryName.parse("a")) > 0);
  }

  private static void assertInvalid(String name) {
    RegistryException e = assertThrows(RegistryException.class, () -> RepositoryName.parse(name), String.valueOf(name));
    assertEquals(ErrorCode.NAME_INVALID, e.code());
    assertEquals(400, e.code().status());
  }
}
