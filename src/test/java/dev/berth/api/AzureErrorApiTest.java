package dev.berth.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ErrorApiTest} with Berth storing on Azure (Azurite). */
@QuarkusTest
@TestProfile(AzureStorageProfile.class)
class AzureErrorApiTest extends ErrorApiTest {}
