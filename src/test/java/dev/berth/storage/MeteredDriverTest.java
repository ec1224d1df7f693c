package dev.berth.storage;

import static dev.berth.storage.ContractData.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.storage.memory.MemoryDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The driver contract through {@link MeteredDriver}, and what it records. */
class MeteredDriverTest extends StorageDriverContract {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  protected StorageDriver newDriver() {
    return new MeteredDriver(new MemoryDriver(), registry);
  }

  private long count(String operation, String outcome) {
    var t = registry.find("berth.storage.operations")
        .tags("driver", "memory", "operation", operation, "outcome", outcome).timer();
    return t == null ? 0 : t.count();
  }

  @Test
  void operations_countedByOperationAndOutcome() {
    driver.putSmall("a/1", bytes("x"), Precondition.NONE);
    driver.getSmall("a/1");
    driver.getSmall("a/2"); // absent is an answer, not a failure
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("a/1", bytes("y"), Precondition.IF_ABSENT));
    assertThrows(ObjectNotFoundException.class, () -> raw.read("a/none", 0, 1));
    assertEquals(1, count("put_small", "ok"));
    assertEquals(2, count("get_small", "ok"));
    assertEquals(1, count("put_small", "precondition_failed"));
    assertEquals(1, count("read", "not_found"));
    assertEquals(1, count("prepare", "ok"));
  }
}
