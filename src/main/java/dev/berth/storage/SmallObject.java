package dev.berth.storage;

/** A small object's bytes and the ETag that conditional writes compare against. */
public record SmallObject(byte[] data, String etag) {}
