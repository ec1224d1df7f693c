package dev.berth.registry;

import java.util.List;

/** One page of a sorted listing; {@code more} says a further page follows the last item. */
public record Page<T>(List<T> items, boolean more) {
  public Page {
    items = List.copyOf(items);
  }
}
