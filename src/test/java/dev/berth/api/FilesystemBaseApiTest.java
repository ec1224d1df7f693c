package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link BaseApiTest} with Berth storing on the filesystem. */
@QuarkusTest
@TestProfile(FilesystemStorageProfile.class)
class FilesystemBaseApiTest extends BaseApiTest {}
