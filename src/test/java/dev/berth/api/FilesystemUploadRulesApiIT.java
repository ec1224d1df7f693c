package dev.berth.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link UploadRulesApiTest} against the built application (the native executable with -Dnative), filesystem storage. */
@QuarkusIntegrationTest
@TestProfile(FilesystemStorageProfile.class)
class FilesystemUploadRulesApiIT extends UploadRulesApiTest {}
