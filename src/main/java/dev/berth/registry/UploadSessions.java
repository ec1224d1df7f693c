package dev.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The state object of each upload session ({@code _uploads/<uuid>}, JSON): its repository, digest
 * algorithm, start, last activity and whether a request is finishing it. Every change is a
 * conditional write on the state's ETag, so two requests (on any replicas) can't both finish one
 * session, and the purger never deletes a session that became active after it looked.
 */
@Singleton
public class UploadSessions {
  private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private final StorageDriver storage;

  public UploadSessions(StorageDriver storage) {
    this.storage = storage;
  }

  /**
   * A session as read from storage.
   *
   * @param etag the state object's ETag, which every change is conditional on
   * @param lastActivity the latest of its start, its last heartbeat and its bytes' last write
   * @param finishing whether a request has claimed it to finish it
   */
  record Session(Upload upload, String etag, Instant startedAt, Instant lastActivity, boolean finishing) {}

  Session create(RepositoryName repo, DigestAlgorithm algorithm) {
    String uuid = UUID.randomUUID().toString();
    Instant now = Instant.now();
    String etag = storage.putSmall(StorageLayout.uploadState(uuid), state(repo, algorithm, now, now, false), Precondition.IF_ABSENT);
    return new Session(new Upload(uuid, repo, algorithm, 0), etag, now, now, false);
  }

  /**
   * The open session of the repository, with its current size.
   *
   * @throws RegistryException BLOB_UPLOAD_UNKNOWN when there is no such session in the repository,
   *     or another request is finishing it
   */
  Session open(RepositoryName repo, String uuid) {
    Session s = (uuid == null || !UUID_FORM.matcher(uuid).matches() ? Optional.<Session>empty() : read(uuid))
        .filter(x -> x.upload().repository().equals(repo) && !x.finishing())
        .orElseThrow(() -> ErrorCode.BLOB_UPLOAD_UNKNOWN.with("unknown upload " + clip(uuid)));
    return s;
  }

  /** The session with this id, whatever its repository or state; empty when there is none. */
  Optional<Session> read(String uuid) {
    Optional<SmallObject> raw = storage.getSmall(StorageLayout.uploadState(uuid));
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    JsonNode state;
    RepositoryName repo;
    DigestAlgorithm algorithm;
    try {
      state = Json.parse(raw.get().data());
      repo = RepositoryName.parse(Json.text(state, "repository"));
      algorithm = DigestAlgorithm.of(Json.text(state, "algorithm"));
    } catch (IOException | RegistryException e) {
      throw new StorageException("unreadable upload state " + uuid, e);
    }
    Optional<ObjectInfo> data = storage.stat(StorageLayout.uploadData(uuid));
    Instant started = instant(state, "startedAt");
    Instant active = later(instant(state, "activeAt"), started);
    if (data.isPresent()) {
      active = later(active, data.get().modified());
    }
    Upload u = new Upload(uuid, repo, algorithm, data.map(ObjectInfo::size).orElse(0L));
    return Optional.of(new Session(u, raw.get().etag(), started, active, state.path("finishing").asBoolean(false)));
  }

  /**
   * Claims the session for the request that finishes it: from now on it is unknown to every
   * other request.
   *
   * @throws RegistryException BLOB_UPLOAD_UNKNOWN when another request changed or claimed it first
   */
  Session claim(Session s) {
    return rewrite(s, true).orElseThrow(() -> ErrorCode.BLOB_UPLOAD_UNKNOWN.with("upload " + s.upload().uuid() + " is being finished by another request"));
  }

  /** Gives a claimed session back (its finishing request failed in a way the client can retry). */
  void release(Session claimed) {
    try {
      rewrite(claimed, false);
    } catch (StorageException e) {
      // The session stays claimed: the client starts over, the purger removes it later.
    }
  }

  /** Records activity, so the purger keeps the session; empty when it changed meanwhile. */
  Optional<Session> touch(Session s) {
    return rewrite(s, s.finishing());
  }

  private Optional<Session> rewrite(Session s, boolean finishing) {
    Instant now = Instant.now();
    Upload u = s.upload();
    try {
      String etag = storage.putSmall(StorageLayout.uploadState(u.uuid()),
          state(u.repository(), u.algorithm(), s.startedAt(), now, finishing), Precondition.ifMatch(s.etag()));
      return Optional.of(new Session(u, etag, s.startedAt(), now, finishing));
    } catch (PreconditionFailedException e) {
      return Optional.empty();
    }
  }

  /** Deletes a session's bytes (unless they became a blob), then its state. */
  void delete(String uuid) {
    storage.delete(StorageLayout.uploadData(uuid), Precondition.NONE);
    storage.delete(StorageLayout.uploadState(uuid), Precondition.NONE);
  }

  /**
   * Deletes a session the purger found idle, unless its state changed since it was read.
   *
   * @return whether it was deleted
   */
  boolean deleteIdle(Session s) {
    try {
      if (!storage.delete(StorageLayout.uploadState(s.upload().uuid()), Precondition.ifMatch(s.etag()))) {
        return false;
      }
    } catch (PreconditionFailedException e) {
      return false; // active again
    }
    storage.delete(StorageLayout.uploadData(s.upload().uuid()), Precondition.NONE);
    return true;
  }

  private static byte[] state(RepositoryName repo, DigestAlgorithm alg, Instant started, Instant active, boolean finishing) {
    ObjectNode n = Json.object()
        .put("repository", repo.value())
        .put("algorithm", alg.id())
        .put("startedAt", started.toString())
        .put("activeAt", active.toString());
    if (finishing) {
      n.put("finishing", true);
    }
    return Json.bytes(n);
  }

  /** A timestamp field; an absent or unreadable one counts as long ago (the purger may take it). */
  private static Instant instant(JsonNode state, String field) {
    try {
      String at = Json.text(state, field);
      return at == null ? Instant.EPOCH : Instant.parse(at);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static String clip(String s) {
    return DigestAlgorithm.clip(String.valueOf(s));
  }
}
