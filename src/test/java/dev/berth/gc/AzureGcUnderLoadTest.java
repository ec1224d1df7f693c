package dev.berth.gc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GcUnderLoadTest} on the Azure driver. */
@QuarkusTest
@TestProfile(GcProfiles.Azure.class)
class AzureGcUnderLoadTest extends GcUnderLoadTest {}
