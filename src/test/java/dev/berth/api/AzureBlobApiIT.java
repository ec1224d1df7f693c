package dev.berth.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link BlobApiTest} against the built application (the native executable with -Dnative), Azure storage (Azurite). */
@QuarkusIntegrationTest
@TestProfile(AzureStorageProfile.class)
class AzureBlobApiIT extends BlobApiTest {}
