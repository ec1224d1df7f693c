package dev.berth.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link UploadPostApiTest} against the built application (the native executable with -Dnative), Azure storage (Azurite). */
@QuarkusIntegrationTest
@TestProfile(AzureStorageProfile.class)
class AzureUploadPostApiIT extends UploadPostApiTest {}
