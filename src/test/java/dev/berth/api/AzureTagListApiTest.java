package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link TagListApiTest} with Berth storing on Azure (Azurite). */
@QuarkusTest
@TestProfile(AzureStorageProfile.class)
class AzureTagListApiTest extends TagListApiTest {}
