package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ConcurrentUploadsApiTest} with Berth storing on Azure storage (Azurite). */
@QuarkusTest
@TestProfile(AzureStorageProfile.class)
class AzureConcurrentUploadsApiTest extends ConcurrentUploadsApiTest {}
