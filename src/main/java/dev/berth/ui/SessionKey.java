package dev.berth.ui;

import dev.berth.registry.StorageLayout;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 key of web UI sessions and CSRF tokens, kept in storage
 * ({@link StorageLayout#UI_SESSION_KEY}) so that every replica signs and verifies with the same
 * one. The first replica that needs it creates it with a conditional write (If-None-Match: *);
 * a replica that loses that race reads the winner's. Re-read at most once a minute, so deleting
 * the object ends every session on every replica within a minute. Never logged.
 */
@Singleton
public class SessionKey {
  private static final long REREAD_NANOS = 60_000_000_000L;
  private static final int LENGTH = 32;

  private record Loaded(byte[] key, long atNanos) {}

  private final StorageDriver storage;
  private final SecureRandom random = new SecureRandom();
  private volatile Loaded loaded;

  public SessionKey(StorageDriver storage) {
    this.storage = storage;
  }

  /** HMAC-SHA256 of the parts, each preceded by its length (so no two part lists sign alike). */
  byte[] mac(String... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(), "HmacSHA256"));
      for (String p : parts) {
        byte[] b = p.getBytes(StandardCharsets.UTF_8);
        mac.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
        mac.update(b);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256", e);
    }
  }

  /** The key: cached, else read, else created. @throws dev.berth.storage.StorageException when storage fails */
  private byte[] key() {
    Loaded l = loaded;
    if (l != null && System.nanoTime() - l.atNanos() < REREAD_NANOS) {
      return l.key();
    }
    byte[] key = read().orElseGet(this::create);
    loaded = new Loaded(key, System.nanoTime());
    return key;
  }

  private Optional<byte[]> read() {
    return storage.getSmall(StorageLayout.UI_SESSION_KEY).map(SmallObject::data).filter(d -> d.length == LENGTH);
  }

  private byte[] create() {
    byte[] key = new byte[LENGTH];
    random.nextBytes(key);
    try {
      storage.putSmall(StorageLayout.UI_SESSION_KEY, key, Precondition.IF_ABSENT);
      return key;
    } catch (PreconditionFailedException e) {
      // Another replica created it first (or an object of the wrong size is there: then refuse).
      return read().orElseThrow(() -> new IllegalStateException(StorageLayout.UI_SESSION_KEY + " is not a "
          + LENGTH + "-byte key; delete it and Berth makes a new one"));
    }
  }
}
