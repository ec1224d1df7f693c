package dev.berth.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class's {@link RegistryExtension} registry on Azure storage (the shared Azurite,
 * a container of the class's own) instead of the filesystem: {@code class AzureSkopeoIT extends
 * SkopeoIT} with this annotation repeats every skopeo round trip on Azure.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
public @interface OnAzurite {}
