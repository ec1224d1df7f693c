package dev.berth.storage;

import java.time.Instant;

/** What {@link StorageDriver#stat} knows about an object. */
public record ObjectInfo(long size, Instant modified) {}
