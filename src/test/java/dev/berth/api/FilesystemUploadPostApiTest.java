package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link UploadPostApiTest} with Berth storing on filesystem storage. */
@QuarkusTest
@TestProfile(FilesystemStorageProfile.class)
class FilesystemUploadPostApiTest extends UploadPostApiTest {}
