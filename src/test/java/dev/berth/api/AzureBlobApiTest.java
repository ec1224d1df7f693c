package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link BlobApiTest} with Berth storing on Azure (Azurite). */
@QuarkusTest
@TestProfile(AzureStorageProfile.class)
class AzureBlobApiTest extends BlobApiTest {}
