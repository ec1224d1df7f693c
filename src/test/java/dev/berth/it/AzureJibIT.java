package dev.berth.it;

/** The Jib build, cross-repository mount and pull of {@link JibIT}, on Azure storage (Azurite). */
@OnAzurite
class AzureJibIT extends JibIT {}
