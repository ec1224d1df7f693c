package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ManifestPushErrorsApiTest} with Berth storing on filesystem storage. */
@QuarkusTest
@TestProfile(FilesystemStorageProfile.class)
class FilesystemManifestPushErrorsApiTest extends ManifestPushErrorsApiTest {}
