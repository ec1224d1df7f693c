package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ReferrersApiTest} with Berth storing on Azure (Azurite). */
@QuarkusTest
@TestProfile(AzureStorageProfile.class)
class AzureReferrersApiTest extends ReferrersApiTest {}
