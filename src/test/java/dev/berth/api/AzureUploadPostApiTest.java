package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link UploadPostApiTest} with Berth storing on Azure storage (Azurite). */
@QuarkusTest
@TestProfile(AzureStorageProfile.class)
class AzureUploadPostApiTest extends UploadPostApiTest {}
