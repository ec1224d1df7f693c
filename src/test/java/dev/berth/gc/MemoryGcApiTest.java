package dev.berth.gc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GcApiTest} on the memory driver. */
@QuarkusTest
@TestProfile(GcProfiles.Memory.class)
class MemoryGcApiTest extends GcApiTest {}
