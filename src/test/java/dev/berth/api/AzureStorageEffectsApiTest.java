package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link StorageEffectsApiTest} with Berth storing on Azure (Azurite). */
@QuarkusTest
@TestProfile(AzureStorageProfile.class)
class AzureStorageEffectsApiTest extends StorageEffectsApiTest {}
