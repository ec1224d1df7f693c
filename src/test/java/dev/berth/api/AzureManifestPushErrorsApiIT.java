package dev.berth.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ManifestPushErrorsApiTest} against the built application (the native executable with -Dnative), Azure storage (Azurite). */
@QuarkusIntegrationTest
@TestProfile(AzureStorageProfile.class)
class AzureManifestPushErrorsApiIT extends ManifestPushErrorsApiTest {}
