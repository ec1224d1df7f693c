package dev.berth.gc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GcUnderLoadTest} on the Filesystem driver. */
@QuarkusTest
@TestProfile(GcProfiles.Filesystem.class)
class FilesystemGcUnderLoadTest extends GcUnderLoadTest {}
