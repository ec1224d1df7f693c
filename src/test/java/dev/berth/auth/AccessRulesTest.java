package dev.berth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccessRulesTest {
  private static final String RULES = """
      groups:
        ci: [builder]
      rules:
        - subjects: [anonymous]
          repositories: ["public/**"]
          actions: [pull]
        - subjects: ["group:ci", "user:alice"]
          repositories: ["team-a/**"]
          actions: [pull, push]
        - subjects: [authenticated]
          actions: [catalog]
        - subjects: ["user:admin"]
          repositories: ["**"]
          actions: [pull, push, delete, catalog]
        - subjects: ["user:bob"]
          repositories: ["apps/*/web"]
          actions: [pull]
      """;
  private final AccessRules rules = AccessRules.parse(RULES);
  private final Identity alice = Identity.account("alice");
  private final Identity builder = Identity.account("builder");
  private final Identity bob = Identity.account("bob");

  @Test
  void anonymousPullsOnlyWhereARuleSaysSo_andSoDoesEveryone() {
    assertTrue(rules.allows(Identity.ANONYMOUS, Action.PULL, "public/alpine"));
    assertTrue(rules.allows(Identity.ANONYMOUS, Action.PULL, "public"));
    assertFalse(rules.allows(Identity.ANONYMOUS, Action.PUSH, "public/alpine"));
    assertFalse(rules.allows(Identity.ANONYMOUS, Action.PULL, "publicity/x"));
    assertFalse(rules.allows(Identity.ANONYMOUS, Action.PULL, "team-a/app"));
    assertTrue(rules.allows(bob, Action.PULL, "public/alpine"), "anonymous means anyone");
  }

  @Test
  void groupsAndUsers_denyByDefault() {
    assertTrue(rules.allows(alice, Action.PUSH, "team-a/app/api"));
    assertTrue(rules.allows(builder, Action.PUSH, "team-a/app"));
    assertFalse(rules.allows(builder, Action.DELETE, "team-a/app"));
    assertFalse(rules.allows(alice, Action.PULL, "team-b/app"));
    assertFalse(rules.allows(Identity.ANONYMOUS, Action.PUSH, "team-a/app"), "a group is never anonymous");
    assertFalse(rules.allows(new Identity("alice", false), Action.PUSH, "team-a/app"), "a name without sign-in is nobody");
    assertTrue(rules.allows(Identity.account("admin"), Action.DELETE, "anything/at/all"));
  }

  @Test
  void admins_areAccountsTheFileNames_neverRobotsOrOutsiders() {
    AccessRules r = AccessRules.parse("admins: [\"user:root\", \"group:ops\"]\ngroups:\n  ops: [olga]\n");
    assertTrue(r.isAdmin(Identity.account("root")));
    assertTrue(r.isAdmin(Identity.account("olga")));
    assertFalse(r.isAdmin(Identity.account("alice")));
    assertFalse(r.isAdmin(new Identity("root", false)), "a name without sign-in is nobody");
    assertFalse(r.isAdmin(Identity.robot("root", null)));
    assertFalse(r.isAdmin(Identity.external("github", "root", java.util.Map.of())));
    assertTrue(AccessRules.SIGNED_IN_MAY_DO_ALL.isAdmin(Identity.account("anyone")), "without a rules file every account may do all");
    assertFalse(AccessRules.parse("rules: []\n").isAdmin(Identity.account("root")), "with a file: nobody unless named");
  }

  @Test
  void robotSubjects_matchThatRobotOnly_andRobotsAreNotAccounts() {
    AccessRules r = AccessRules.parse("rules:\n  - subjects: [\"robot:ci\"]\n    repositories: [\"ci/**\"]\n    actions: [pull]\n"
        + "  - subjects: [authenticated, \"user:ci\"]\n    repositories: [\"**\"]\n    actions: [push]\n");
    assertTrue(r.allows(Identity.robot("ci", null), Action.PULL, "ci/app"));
    assertFalse(r.allows(Identity.robot("cd", null), Action.PULL, "ci/app"));
    assertFalse(r.allows(Identity.robot("ci", null), Action.PUSH, "ci/app"), "'authenticated' and user:ci are accounts, not robots");
    assertFalse(r.allows(Identity.account("ci"), Action.PULL, "ci/app"), "user ci is not robot ci");
  }

  @Test
  void singleStarStaysInOneComponent() {
    assertTrue(rules.allows(bob, Action.PULL, "apps/shop/web"));
    assertFalse(rules.allows(bob, Action.PULL, "apps/shop/x/web"));
    assertFalse(rules.allows(bob, Action.PULL, "apps/shop/web/x"));
  }

  @Test
  void catalogIsItsOwnAction() {
    assertTrue(rules.allowsCatalog(bob));
    assertFalse(rules.allowsCatalog(Identity.ANONYMOUS));
  }

  @Test
  void withoutAFile_accountsMayDoEverything_anonymousNothing() {
    AccessRules d = AccessRules.SIGNED_IN_MAY_DO_ALL;
    assertTrue(d.allows(alice, Action.DELETE, "x/y"));
    assertTrue(d.allowsCatalog(alice));
    assertFalse(d.allows(Identity.ANONYMOUS, Action.PULL, "x/y"));
    assertFalse(d.allowsCatalog(Identity.ANONYMOUS));
  }

  @Test
  void emptyFile_deniesEverything() {
    AccessRules none = AccessRules.parse("");
    assertFalse(none.allows(alice, Action.PULL, "x"));
    assertEquals(0, none.size());
  }

  @Test
  void mistakesNameTheRuleAndWhatIsAccepted() {
    assertMessage("rule 1: unknown action 'write' (accepted: pull, push, delete, catalog)",
        "rules:\n  - subjects: [anonymous]\n    repositories: [x]\n    actions: [write]\n");
    assertMessage("rule 1: unknown subject 'users:bob'",
        "rules:\n  - subjects: [\"users:bob\"]\n    repositories: [x]\n    actions: [pull]\n");
    assertMessage("rule 1: group 'ops' is not declared under groups",
        "rules:\n  - subjects: [\"group:ops\"]\n    repositories: [x]\n    actions: [pull]\n");
    assertMessage("rule 1: unknown key 'repos' (accepted: subjects, claims, repositories, actions)",
        "rules:\n  - subjects: [anonymous]\n    repos: [x]\n    actions: [pull]\n");
    assertMessage("rule 1: invalid repository pattern 'Team/(.*)'",
        "rules:\n  - subjects: [anonymous]\n    repositories: [\"Team/(.*)\"]\n    actions: [pull]\n");
    assertMessage("rule 1 repositories missing", "rules:\n  - subjects: [anonymous]\n    actions: [pull]\n");
    assertMessage("the file: unknown key 'rule' (accepted: groups, issuers, admins, rules)", "rule: []\n");
    assertMessage("admins: 'anonymous' is not an account subject", "admins: [anonymous]\n");
    assertMessage("admins: 'robot:ci' is not an account subject", "admins: [\"robot:ci\"]\n");
    assertMessage("admins: group 'ops' is not declared under groups", "admins: [\"group:ops\"]\n");
    assertMessage("not valid YAML", "rules: [\n");
  }

  private static final String ISSUERS = """
      issuers:
        gh:
          issuer: https://token.actions.githubusercontent.com
          audience: berth
          jwks-url: https://token.actions.githubusercontent.com/.well-known/jwks
      rules:
        - subjects: ["issuer:gh"]
          claims: {repository: acme/app, ref: "refs/heads/*"}
          repositories: ["acme/**"]
          actions: [pull, push]
        - subjects: [authenticated]
          repositories: ["**"]
          actions: [pull]
      """;

  @Test
  void issuerIdentities_matchByClaims_andAreNotAccounts() {
    AccessRules r = AccessRules.parse(ISSUERS);
    Identity main = Identity.external("gh", "repo:acme/app", java.util.Map.of("repository", "acme/app", "ref", "refs/heads/main"));
    Identity tag = Identity.external("gh", "repo:acme/app", java.util.Map.of("repository", "acme/app", "ref", "refs/tags/v1"));
    Identity other = Identity.external("gh", "repo:evil/app", java.util.Map.of("repository", "evil/app", "ref", "refs/heads/main"));
    assertTrue(r.allows(main, Action.PUSH, "acme/app"));
    assertFalse(r.allows(tag, Action.PUSH, "acme/app"));
    assertFalse(r.allows(other, Action.PULL, "acme/app"), "any repository's workflow gets a token from that issuer");
    assertFalse(r.allows(other, Action.PULL, "x/y"), "'authenticated' means an account, not an outside identity");
    assertEquals("https://token.actions.githubusercontent.com", r.issuers().get("gh").issuer());
  }

  @Test
  void issuerMistakes_nameTheirPlace() {
    String issuer = "issuers:\n  gh:\n    issuer: https://x\n    audience: berth\n    jwks-url: https://x/jwks\n";
    assertMessage("rule 1: issuer subjects need claims",
        issuer + "rules:\n  - subjects: [\"issuer:gh\"]\n    repositories: [x]\n    actions: [pull]\n");
    assertMessage("rule 1: issuer 'gl' is not declared under issuers",
        issuer + "rules:\n  - subjects: [\"issuer:gl\"]\n    claims: {a: b}\n    repositories: [x]\n    actions: [pull]\n");
    assertMessage("rule 1: claims go with issuer subjects only",
        "rules:\n  - subjects: [\"user:bob\"]\n    claims: {a: b}\n    repositories: [x]\n    actions: [pull]\n");
    assertMessage("issuer gh: jwks-url must be https",
        "issuers:\n  gh:\n    issuer: https://x\n    audience: berth\n    jwks-url: http://x/jwks\n");
    assertMessage("issuer gh: give jwks-file or jwks-url", "issuers:\n  gh:\n    issuer: https://x\n    audience: berth\n");
    assertMessage("issuer gh: audience missing", "issuers:\n  gh:\n    issuer: https://x\n    jwks-file: /x\n");
  }

  @Test
  void yamlTypesAreNotInstantiated() {
    assertThrows(IllegalArgumentException.class, () -> AccessRules.parse("!!java.net.URL [\"http://127.0.0.1/\"]\n"));
  }

  private static void assertMessage(String expectedStart, String yaml) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessRules.parse(yaml));
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
  }
}
