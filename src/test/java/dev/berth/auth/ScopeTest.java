package dev.berth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeTest {

  @Test
  void parsesTheSpecsForms_severalPerParameter() {
    List<Scope> s = Scope.parseAll(List.of("repository:team/app:pull,push registry:catalog:*", "repository:x:*"));
    assertEquals(3, s.size());
    assertEquals(new Scope("repository", "team/app", Set.of("pull", "push")), s.get(0));
    assertEquals("registry:catalog:*", s.get(1).toString());
    assertEquals(Set.of("*"), s.get(2).actions());
  }

  @Test
  void refusesWhatIsNotAScope() {
    for (String bad : List.of("repository", "repository:x", "repository:X:pull", "repository:a/../b:pull",
        "repository:x:write", "registry:catalog:pull", "plugin:x:pull", ":x:pull", "repository:x:")) {
      assertThrows(IllegalArgumentException.class, () -> Scope.parse(bad), bad);
    }
  }

  @Test
  void tokenAccess_allowsOnlyItsEntries() {
    TokenAccess a = new TokenAccess(Identity.account("alice"), List.of(new Scope("repository", "team/app", Set.of("pull"))));
    assertTrue(a.allows(Action.PULL, "team/app"));
    assertFalse(a.allows(Action.PUSH, "team/app"));
    assertFalse(a.allows(Action.PULL, "team/app2"));
    assertFalse(a.allowsCatalog());
  }

  @Test
  void loopbackHostsDoNotWarn() {
    for (String h : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]")) {
      assertTrue(AccessControl.isLoopback(h), h);
    }
    for (String h : List.of("0.0.0.0", "10.0.0.5", "::", "berth.internal")) {
      assertFalse(AccessControl.isLoopback(h), h);
    }
  }
}
