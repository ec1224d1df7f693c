package dev.berth.ui;

import dev.berth.registry.RepositoryName;

/** The rules' answer for a page of one repository: anonymous is told to sign in, an account that it may not. */
final class Access {
  private Access() {}

  static void requirePull(Viewer.Looker who, RepositoryName repo) {
    if (!who.mayPull(repo.value())) {
      // The same page whether or not the repository exists: no probing names through the UI.
      throw who.signedIn()
          ? new UiProblem(403, who.name() + " may not pull " + repo.value() + ".")
          : new UiProblem(401, "Sign in to see " + repo.value() + ".");
    }
  }
}
