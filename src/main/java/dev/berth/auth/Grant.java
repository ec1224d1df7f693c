package dev.berth.auth;

import dev.berth.registry.RepositoryPattern;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** What a robot account may do: its actions on the repositories its patterns match. */
public record Grant(List<RepositoryPattern> repositories, Set<Action> actions) {
  public Grant {
    repositories = List.copyOf(repositories);
    actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
  }

  public boolean allows(Action action, String repository) {
    return actions.contains(action) && repositories.stream().anyMatch(p -> p.matches(repository));
  }

  public boolean allowsCatalog() {
    return actions.contains(Action.CATALOG);
  }
}
