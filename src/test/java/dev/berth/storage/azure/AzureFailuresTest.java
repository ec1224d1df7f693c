package dev.berth.storage.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.models.BlobStorageException;
import dev.berth.it.Azurite;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;

/** Which failures {@link AzureFailures} calls storage failures (503 upstream), and which are bugs (500). */
class AzureFailuresTest {

  private static StorageException classify(RuntimeException e) {
    return AzureFailures.classify("read", "some/key", "box", "127.0.0.1:10000", e);
  }

  @Test
  void programmingErrorsAreNotStorageFailures() {
    for (RuntimeException bug : List.of(new NullPointerException("x"), new IllegalArgumentException("bad argument"),
        new IllegalStateException("not from the SDK"), new ClassCastException("Foo cannot be cast to Bar"),
        new IndexOutOfBoundsException(3), new RuntimeException(new ExecutionException(new NullPointerException())))) {
      assertNull(classify(bug), bug.toString());
    }
  }

  @Test
  void transportFailuresAreCannotReach() {
    for (RuntimeException e : List.of(new RuntimeException(new ConnectException("Connection refused: /127.0.0.1:10000")),
        Exceptions.propagate(new UnknownHostException("nowhere.invalid")),
        new RuntimeException(new TimeoutException("no answer in 30s")),
        new IllegalStateException("Timeout on blocking read for 30000000000 NANOSECONDS"),
        new UncheckedIOException(new java.net.SocketTimeoutException("read timed out")))) {
      StorageException s = classify(e);
      assertNotNull(s, e.toString());
      assertTrue(s.reason().startsWith("cannot reach 127.0.0.1:10000 ("), s.reason());
    }
  }

  @Test
  void otherIoAndSdkFailuresAreStorageFailures() {
    StorageException s = classify(new UncheckedIOException(new IOException("premature end of stream")));
    assertEquals("storage request failed (IOException: premature end of stream)", s.reason());
    assertNotNull(classify(Exceptions.propagate(new IOException("reactor-wrapped"))));
    assertEquals("storage answered HttpResponseException", classify(new HttpResponseException("Status code 500", null)).reason());
  }

  @Test
  void noUrlQueryInAReason() {
    StorageException s = classify(new UncheckedIOException(
        new IOException("GET http://127.0.0.1:10000/box/k?sv=2024&sig=SECRETSIG failed\nmore")));
    assertFalse(s.reason().contains("SECRETSIG") || s.getMessage().contains("SECRETSIG"), s.reason());
    assertFalse(s.reason().contains("more"), "one line: " + s.reason());
  }

  @Test
  void httpAnswersFromAzurite() {
    BlobStorageException missing = assertThrows(BlobStorageException.class,
        () -> AzureTestDrivers.raw(AzureTestDrivers.container("none")).getProperties());
    assertEquals("container 'box' does not exist (HTTP 404 ContainerNotFound)", classify(missing).reason());
    // An SDK exception wrapped the way the sync client's executor wraps it.
    assertNotNull(classify(new RuntimeException(new ExecutionException(missing))));

    String wrongKey = Base64.getEncoder().encodeToString(new byte[64]);
    BlobStorageException rejected = assertThrows(BlobStorageException.class,
        () -> AzureTestDrivers.client(Azurite.shared().endpoint(), wrongKey, "box", 1).exists());
    StorageException s = classify(rejected);
    assertTrue(s.reason().startsWith("credentials rejected or insufficient permissions (HTTP 403"), s.reason());
    assertTrue(s.getMessage().contains("in container 'box'"), s.getMessage());
    assertFalse(s.getMessage().contains(wrongKey));
  }

  @Test
  void aBugInsideTheDriverPropagatesUnchanged() {
    AzureBlobDriver raw = AzureTestDrivers.onAzurite(AzureTestDrivers.container("bug"), "", 64 * 1024);
    RuntimeException e = assertThrows(RuntimeException.class, () -> raw.putSmall("k", null, Precondition.NONE));
    assertFalse(e instanceof StorageException, e.toString());
  }
}
