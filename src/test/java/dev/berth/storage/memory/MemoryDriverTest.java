package dev.berth.storage.memory;

import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.in;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver contract on {@link MemoryDriver}. */
class MemoryDriverTest extends StorageDriverContract {

  @Override
  protected StorageDriver newDriver() {
    return new MemoryDriver();
  }

  @Test
  void keysListsWhatIsStored() {
    MemoryDriver memory = (MemoryDriver) raw;
    driver.putSmall("b/1", bytes("x"), Precondition.NONE);
    driver.append("a/data", 0, in(bytes("y")));
    assertEquals(List.of("a/data", "b/1"), memory.keys());
  }
}
