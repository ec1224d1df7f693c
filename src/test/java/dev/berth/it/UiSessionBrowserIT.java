package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signing in and deleting in headless Chromium, as a person would: the sign-in form, the
 * repository page's Delete link, the confirmation page, Sign out; an account the rules don't let
 * delete gets no Delete link and a 403 page. Screenshots: {@code sign-in}, {@code delete-confirm}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UiSessionBrowserIT {

  @Test
  void signIn_deleteATagThroughTheConfirmationPage_andTheDeniedCase() throws Exception {
    Path work = TempDirs.create("berth-ui-browser-");
    try {
      List<String> lines = new ArrayList<>();
      for (String u : List.of("alice", "bob")) {
        Cmd.Result r = Cmd.of(Cmd.require("htpasswd", "apache2-utils"), "-nbB", "-C", "5", u, UiSessionIT.password(u)).run();
        assertTrue(r.succeeded(), r.describe());
        lines.add(r.stdout().strip());
      }
      Files.writeString(work.resolve("htpasswd"), String.join("\n", lines) + "\n");
      Files.writeString(work.resolve("rules.yaml"), UiSessionIT.RULES);
      RegistryProcess.Options o = RegistryProcess.options().env("BERTH_AUTH_MODE", "basic")
          .env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString())
          .env("BERTH_AUTH_RULES", work.resolve("rules.yaml").toString());
      try (RegistryProcess r = RegistryProcess.start(o); Browser b = Browser.start()) {
        UiSessionPush push = new UiSessionPush(r.url(), UiSessionHttp.basic("alice", UiSessionIT.password("alice")));
        push.image("team-a/app", "v1", "browser-v1");
        push.image("team-a/app", "v2", "browser-v2");

        b.open(r.url() + "/ui/sign-in");
        b.find("#user").sendKeys("alice");
        b.screenshot("sign-in");
        b.find("#password").sendKeys(UiSessionIT.password("alice"));
        b.find("#sign-in").click();
        b.await(d -> !b.all("#signed-in-as").isEmpty());
        assertEquals("alice", b.find("#signed-in-as").getText());
        assertTrue(b.js("return document.cookie").toString().isEmpty(), "the session cookie is HttpOnly");

        b.open(r.url() + "/ui/r/team-a/app");
        b.find("a.delete[aria-label='Delete tag v1']").click();
        b.await(d -> !b.all("#confirm-delete").isEmpty());
        assertEquals("Delete tag v1 of team-a/app?", b.find("h1").getText());
        b.screenshot("delete-confirm");
        b.find("#confirm-delete").click();
        b.await(d -> !b.all("#notice").isEmpty());
        assertEquals("The tag v1 of team-a/app is deleted.", b.find("#notice").getText());
        assertEquals(404, push.head("team-a/app", "v1"));
        assertEquals(200, push.head("team-a/app", "v2"));

        // Cancel deletes nothing.
        b.open(r.url() + "/ui/r/team-a/app");
        b.find("a.delete[aria-label='Delete tag v2']").click();
        b.find("#cancel-delete").click();
        b.await(d -> d.getCurrentUrl().endsWith("/ui/r/team-a/app"));
        assertEquals(200, push.head("team-a/app", "v2"));

        b.find(".account button[type=submit]").click();
        b.await(d -> !b.all("#sign-in-link").isEmpty());

        b.open(r.url() + "/ui/sign-in");
        b.find("#user").sendKeys("bob");
        b.find("#password").sendKeys(UiSessionIT.password("bob"));
        b.find("#sign-in").click();
        b.await(d -> !b.all("#signed-in-as").isEmpty());
        b.open(r.url() + "/ui/r/team-a/app");
        assertTrue(b.all("a.delete").isEmpty(), "bob may not delete: no Delete link");
        b.open(r.url() + "/ui/delete/tag?repository=team-a/app&tag=v2");
        assertEquals("Not allowed", b.find("h1").getText());
        assertEquals("The rules don't allow bob to delete in team-a/app.", b.find("#notice").getText());
        assertEquals(200, push.head("team-a/app", "v2"));
      }
    } finally {
      TempDirs.delete(work);
    }
  }
}
