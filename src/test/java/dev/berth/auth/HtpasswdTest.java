package dev.berth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Entries written by Debian's real {@code htpasswd} (apache2-utils), as an operator makes them. */
class HtpasswdTest {

  static String htpasswd(String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "htpasswd";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "htpasswd " + String.join(" ", args) + " failed (apache2-utils installed?)");
    return out.strip();
  }

  @Test
  void bcryptEntries_verify() throws Exception {
    Htpasswd h = Htpasswd.parse(htpasswd("-nbB", "-C", "5", "alice", "s3cret:with:colons") + "\n"
        + "# a comment\n\n" + htpasswd("-nbB", "-C", "5", "ci.bot@team", "pässwörd") + "\n");
    assertEquals(2, h.size());
    assertTrue(h.verify("alice", "s3cret:with:colons"));
    assertFalse(h.verify("alice", "s3cret"));
    assertTrue(h.verify("ci.bot@team", "pässwörd"));
    assertFalse(h.verify("nobody", "s3cret:with:colons"));
  }

  @Test
  void otherHashKinds_refusedNamingTheLine() throws Exception {
    String good = htpasswd("-nbB", "-C", "5", "alice", "pw");
    for (String flag : new String[] {"-nbm", "-nbs", "-nbp"}) {
      String text = good + "\n" + htpasswd(flag, "bob", "pw") + "\n";
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Htpasswd.parse(text));
      assertEquals("line 2 (bob): not a bcrypt hash; only bcrypt is accepted (htpasswd -B)", e.getMessage(), flag);
      assertFalse(e.getMessage().contains("$"), "no hash in the message");
    }
  }

  @Test
  void malformedLines_refused() throws Exception {
    String good = htpasswd("-nbB", "-C", "5", "alice", "pw");
    assertThrows(IllegalArgumentException.class, () -> Htpasswd.parse("no-colon-here\n"));
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> Htpasswd.parse(good + "\n" + good + "\n"));
    assertEquals("line 2: alice appears twice", twice.getMessage());
  }
}
