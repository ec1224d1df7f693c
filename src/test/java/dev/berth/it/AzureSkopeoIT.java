package dev.berth.it;

/** Every skopeo round trip of {@link SkopeoIT}, with Berth storing on Azure (Azurite). */
@OnAzurite
class AzureSkopeoIT extends SkopeoIT {}
