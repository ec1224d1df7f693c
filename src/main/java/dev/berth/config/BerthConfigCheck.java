package dev.berth.config;

import io.quarkus.runtime.ImageMode;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigSourceInterceptorFactory;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Checks Berth's configuration while Quarkus builds it, before any bean exists or storage is
 * touched, and fails the start with every problem found, one line each (see
 * {@link ConfigProblems}). It runs as an interceptor factory because that is the one hook that
 * sees the raw values before the {@code @ConfigMapping} is built: the mapping stops at its first
 * conversion error and doesn't check environment variables for typos. Quarkus prints a
 * {@link ConfigValidationException}'s message alone, without a stack trace, and exits with 1, on
 * the JVM and in a native executable alike. Registered in
 * {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptorFactory}.
 */
public final class BerthConfigCheck implements ConfigSourceInterceptorFactory {
  private static final String DEFAULTS = "DefaultValuesConfigSource";

  @Override
  public ConfigSourceInterceptor getInterceptor(ConfigSourceInterceptorContext context) {
    if (isRunTimeConfig(context)) {
      List<String> problems = ConfigProblems.find(settings(context), unknown(context), System.getenv());
      if (!problems.isEmpty()) {
        throw new ConfigValidationException(problems.stream()
            .map(ConfigValidationException.Problem::new)
            .toArray(ConfigValidationException.Problem[]::new));
      }
    }
    return (ctx, name) -> ctx.proceed(name);
  }

  /**
   * Quarkus also builds configurations while it builds the application (with the build machine's
   * environment); only the one the application runs with carries BerthConfig's defaults.
   */
  private static boolean isRunTimeConfig(ConfigSourceInterceptorContext context) {
    if (ImageMode.current() == ImageMode.NATIVE_BUILD) {
      return false;
    }
    for (String name : BerthProperties.ALL.keySet()) {
      ConfigValue v = value(context, name);
      if (v != null && DEFAULTS.equals(v.getConfigSourceName())) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, ConfigProblems.Setting> settings(ConfigSourceInterceptorContext context) {
    Map<String, ConfigProblems.Setting> out = new LinkedHashMap<>();
    for (String name : BerthProperties.ALL.keySet()) {
      add(out, context, name);
    }
    // Map entries (berth.events.endpoints.<endpoint>.url) are only known by the names set.
    for (Iterator<String> it = context.iterateNames(); it.hasNext();) {
      String name = it.next();
      if (name.startsWith("berth.") && !BerthProperties.ALL.containsKey(name) && BerthProperties.template(name) != null) {
        add(out, context, name);
      }
    }
    // ... and those set in the environment by their variables (see BerthProperties.propertyOfEnvName).
    for (String variable : System.getenv().keySet()) {
      String name = BerthProperties.propertyOfEnvName(variable);
      // A key with '_' is refused by ConfigProblems.envKeyProblems: SmallRye maps it to no entry.
      ConfigValue v = name == null || name.contains("_") || out.containsKey(name) ? null : value(context, variable);
      if (v != null && v.getValue() != null && !v.getValue().isBlank()) {
        out.put(name, new ConfigProblems.Setting(v.getValue(), variable));
      }
    }
    return out;
  }

  private static void add(Map<String, ConfigProblems.Setting> out, ConfigSourceInterceptorContext context, String name) {
    ConfigValue v = value(context, name);
    if (v != null && v.getValue() != null && !v.getValue().isBlank()) {
      out.put(name, new ConfigProblems.Setting(v.getValue(), origin(name, v)));
    }
  }

  /** {@code berth.*} names Berth doesn't know; those from the environment are judged by their variable names. */
  private static Map<String, String> unknown(ConfigSourceInterceptorContext context) {
    Map<String, String> out = new TreeMap<>();
    for (Iterator<String> it = context.iterateNames(); it.hasNext();) {
      String name = it.next();
      if (name.startsWith("berth.") && BerthProperties.template(name) == null) {
        ConfigValue v = value(context, name);
        if (v == null || !isEnv(v)) {
          out.put(name, v == null ? null : origin(name, v));
        }
      }
    }
    return out;
  }

  private static ConfigValue value(ConfigSourceInterceptorContext context, String name) {
    try {
      return context.proceed(name);
    } catch (RuntimeException e) {
      return null; // an unresolvable ${expression}: SmallRye reports it itself
    }
  }

  private static boolean isEnv(ConfigValue v) {
    return v.getConfigSourceName() != null && v.getConfigSourceName().startsWith("EnvConfigSource");
  }

  /** Where a value came from, in the words a user set it with. */
  private static String origin(String name, ConfigValue v) {
    String source = v.getConfigSourceName();
    if (source == null || source.equals(DEFAULTS)) {
      return null;
    }
    if (isEnv(v)) {
      return BerthProperties.envName(name);
    }
    if (source.equals(LegacyEnvironmentConfigSource.NAME)) {
      return LegacyEnvironmentConfigSource.VARIABLES.get(name);
    }
    if (source.startsWith("SysPropConfigSource")) {
      return "system property";
    }
    return source.contains("application.properties") ? "application.properties" : ConfigProblems.clip(source);
  }

  /** After the profile and expression interceptors: values are those the application sees. */
  @Override
  public OptionalInt getPriority() {
    return OptionalInt.of(Priorities.APPLICATION + 100);
  }
}
