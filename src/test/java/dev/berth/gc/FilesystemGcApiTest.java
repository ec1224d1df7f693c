package dev.berth.gc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GcApiTest} on the filesystem driver. */
@QuarkusTest
@TestProfile(GcProfiles.Filesystem.class)
class FilesystemGcApiTest extends GcApiTest {}
