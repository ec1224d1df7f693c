package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link StorageEffectsApiTest} with Berth storing on the filesystem. */
@QuarkusTest
@TestProfile(FilesystemStorageProfile.class)
class FilesystemStorageEffectsApiTest extends StorageEffectsApiTest {}
