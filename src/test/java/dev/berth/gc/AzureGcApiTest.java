package dev.berth.gc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GcApiTest} on the Azure driver (Azurite). */
@QuarkusTest
@TestProfile(GcProfiles.Azure.class)
class AzureGcApiTest extends GcApiTest {}
