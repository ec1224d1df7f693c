package dev.berth.storage.memory;

import dev.berth.storage.Content;
import dev.berth.storage.Etags;
import dev.berth.storage.InputFailedException;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.ListPage;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.ObjectNotFoundException;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Keeps every object in a sorted in-process map; for tests and throw-away registries. Objects are
 * immutable lists of chunks, so an append never copies what is already stored. Keys and arguments
 * are checked by {@link dev.berth.storage.BaseDriver}, which wraps it as every driver.
 */
public final class MemoryDriver implements StorageDriver {
  private static final int CHUNK = 1 << 20;
  private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();

  private record Entry(List<byte[]> chunks, long size, String etag, Instant modified, boolean appending) {
    byte[] bytes() {
      byte[] all = new byte[(int) size];
      int pos = 0;
      for (byte[] c : chunks) {
        System.arraycopy(c, 0, all, pos, c.length);
        pos += c.length;
      }
      return all;
    }
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Optional<SmallObject> getSmall(String key) {
    Entry e = objects.get(key);
    if (e == null) {
      return Optional.empty();
    }
    byte[] data = e.bytes();
    return Optional.of(new SmallObject(data, e.etag() != null ? e.etag() : Etags.of(data)));
  }

  @Override
  public String putSmall(String key, byte[] data, Precondition precondition) {
    String etag = Etags.of(data);
    Entry fresh = new Entry(List.of(data.clone()), data.length, etag, Instant.now(), false);
    switch (precondition.kind()) {
      case NONE -> objects.put(key, fresh);
      case IF_ABSENT -> {
        if (objects.putIfAbsent(key, fresh) != null) {
          throw new PreconditionFailedException(key);
        }
      }
      case IF_MATCH -> {
        Entry current = objects.get(key);
        if (current == null || !precondition.etag().equals(etagOf(current)) || !objects.replace(key, current, fresh)) {
          throw new PreconditionFailedException(key);
        }
      }
    }
    return etag;
  }

  private static String etagOf(Entry e) {
    return e.etag() != null ? e.etag() : Etags.of(e.bytes());
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    Entry e = objects.get(key);
    return e == null ? Optional.empty() : Optional.of(new ObjectInfo(e.size(), e.modified()));
  }

  @Override
  public Content read(String key, long offset, long length) {
    Entry e = objects.get(key);
    if (e == null) {
      throw new ObjectNotFoundException(key);
    }
    if (offset + length > e.size()) {
      throw new InvalidOffsetException(key, offset + length, e.size()); // replaced since BaseDriver's stat
    }
    long n = length;
    List<InputStream> parts = new ArrayList<>();
    long pos = 0;
    long from = offset;
    long to = offset + n;
    for (byte[] c : e.chunks()) {
      long cStart = pos;
      long cEnd = pos + c.length;
      if (cEnd > from && cStart < to) {
        int s = (int) (Math.max(from, cStart) - cStart);
        int t = (int) (Math.min(to, cEnd) - cStart);
        parts.add(new ByteArrayInputStream(c, s, t - s));
      }
      pos = cEnd;
    }
    return new Content.Stream(new SequenceInputStream(Collections.enumeration(parts)), n);
  }

  @Override
  public long append(String key, long offset, InputStream data) {
    // Claim the object for this writer so a concurrent append at the same offset is refused. Only
    // the entry this call put in proves the claim: another writer's claim looks the same.
    Entry[] claimed = new Entry[1];
    Entry before = objects.compute(key, (k, e) -> {
      long size = e == null ? 0 : e.size();
      if (size != offset || (e != null && e.appending())) {
        return e;
      }
      List<byte[]> chunks = e == null ? List.of() : e.chunks();
      claimed[0] = new Entry(chunks, size, null, Instant.now(), true);
      return claimed[0];
    });
    if (claimed[0] == null || before != claimed[0]) {
      throw new InvalidOffsetException(key, offset, before == null ? 0 : before.appending() ? -1 : before.size());
    }
    List<byte[]> chunks = new ArrayList<>(before.chunks());
    long size = offset;
    try {
      byte[] buf;
      while ((buf = data.readNBytes(CHUNK)).length > 0) {
        chunks.add(buf);
        size += buf.length;
        objects.put(key, new Entry(List.copyOf(chunks), size, null, Instant.now(), true));
      }
    } catch (IOException e) {
      throw new InputFailedException(e);
    } finally {
      Entry last = objects.get(key);
      if (last != null) {
        objects.put(key, new Entry(last.chunks(), last.size(), null, Instant.now(), false));
      }
    }
    return size;
  }

  @Override
  public void commit(String uploadKey, String key) {
    Entry e = objects.remove(uploadKey);
    if (e == null) {
      throw new ObjectNotFoundException(uploadKey);
    }
    objects.put(key, new Entry(e.chunks(), e.size(), null, Instant.now(), false));
  }

  @Override
  public ListPage list(String prefix, String startAfter, int limit) {
    List<String> names = new ArrayList<>();
    String from = startAfter == null ? prefix : prefix + startAfter;
    for (String k : objects.tailMap(from, false).keySet()) {
      if (!k.startsWith(prefix)) {
        break;
      }
      String rest = k.substring(prefix.length());
      int slash = rest.indexOf('/');
      String entry = slash < 0 ? rest : rest.substring(0, slash + 1);
      // Keys come in byte order, so a prefix's keys are adjacent and entries stay sorted.
      if (startAfter != null && entry.compareTo(startAfter) <= 0) {
        continue;
      }
      if (names.isEmpty() || !names.get(names.size() - 1).equals(entry)) {
        if (names.size() == limit) {
          return new ListPage(names, true);
        }
        names.add(entry);
      }
    }
    return new ListPage(names, false);
  }

  @Override
  public boolean delete(String key, Precondition precondition) {
    if (precondition.kind() == Precondition.Kind.IF_MATCH) {
      Entry current = objects.get(key);
      if (current == null) {
        return false;
      }
      if (!precondition.etag().equals(etagOf(current)) || !objects.remove(key, current)) {
        throw new PreconditionFailedException(key);
      }
      return true;
    }
    return objects.remove(key) != null;
  }

  @Override
  public void deleteAll(String prefix) {
    objects.subMap(prefix, prefix + "\uffff").clear();
  }

  @Override
  public void ping() {}

  /** For tests: the keys currently stored. */
  public List<String> keys() {
    return new ArrayList<>(objects.keySet());
  }
}
