package dev.berth.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where a sign-in may send the browser next, and how typed user names reach the audit log. */
class SignInResourceTest {

  @Test
  void safeThen_onlyPathsOfTheUi() {
    assertEquals("/ui/r/team-a/app", SignInResource.safeThen("/ui/r/team-a/app"));
    assertEquals("/ui?q=app", SignInResource.safeThen("/ui?q=app"));
    assertEquals("/ui", SignInResource.safeThen("/ui"));
    for (String away : new String[] {null, "", "https://evil.example/", "//evil.example/ui", "/uix", "/v2/", "/ui\\..\\x",
        "/ui/\r\nSet-Cookie: x=y", "/ui/{bad}", "/ui/" + "a".repeat(2001)}) {
      assertEquals("/ui/", SignInResource.safeThen(away), String.valueOf(away));
    }
  }

  @Test
  void loggable_accountCharactersOnly() {
    assertEquals("alice@example.com", SignInResource.loggable("alice@example.com"));
    assertEquals("x??INFO?forged", SignInResource.loggable("x\r\nINFO forged"));
    assertEquals(128, SignInResource.loggable("a".repeat(500)).length());
  }
}
