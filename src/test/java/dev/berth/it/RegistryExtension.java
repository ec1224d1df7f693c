package dev.berth.it;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One packaged registry for a test class ({@code @RegisterExtension static}): started before the
 * first test with its access log on, stopped and its data deleted after the last; when a test
 * fails, the end of the registry's log is printed, since the client's error alone rarely says
 * which request the registry refused.
 */
final class RegistryExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private RegistryProcess registry;

  RegistryProcess registry() {
    if (registry == null) {
      throw new IllegalStateException("the registry is not running");
    }
    return registry;
  }

  RegistryHttp http() {
    return new RegistryHttp(registry());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    RegistryProcess.Options options = RegistryProcess.options().env("QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true");
    Class<?> testClass = context.getRequiredTestClass();
    if (testClass.isAnnotationPresent(OnAzurite.class)) {
      String container = testClass.getSimpleName().toLowerCase().replaceAll("[^a-z0-9]", "");
      Azurite.shared().sharedKeyEnv(container).forEach(options::env);
    }
    registry = RegistryProcess.start(options);
    System.out.println("[registry] " + context.getDisplayName() + ": Berth on " + registry.url() + ", data in " + registry.dataDir());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (registry != null) {
      registry.close();
      TempDirs.delete(registry.dataDir());
      registry = null;
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (registry == null) {
      return;
    }
    try {
      List<String> lines = Arrays.asList(registry.log().split("\n"));
      List<String> tail = lines.subList(Math.max(0, lines.size() - 150), lines.size());
      System.err.println("[registry] " + context.getDisplayName() + " failed; the registry's log ends with:\n" + String.join("\n", tail));
    } catch (IOException e) {
      System.err.println("[registry] log unreadable: " + e);
    }
  }
}
