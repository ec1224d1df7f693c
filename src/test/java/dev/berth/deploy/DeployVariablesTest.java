package dev.berth.deploy;

import static dev.berth.deploy.DeployFiles.SECRET_PROPERTIES;
import static dev.berth.deploy.DeployFiles.acaContainers;
import static dev.berth.deploy.DeployFiles.bicep;
import static dev.berth.deploy.DeployFiles.composeFile;
import static dev.berth.deploy.DeployFiles.documentedVariables;
import static dev.berth.deploy.DeployFiles.environment;
import static dev.berth.deploy.DeployFiles.list;
import static dev.berth.deploy.DeployFiles.map;
import static dev.berth.deploy.DeployFiles.str;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.BerthConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks every {@code BERTH_*} variable set anywhere under {@code deploy/} (Kubernetes, Container
 * Apps YAML and Bicep, compose): a documented property, a valid value, secrets from a secret.
 */
class DeployVariablesTest {
  /** Azurite's documented, public development key: allowed in the local compose file only. */
  private static final String AZURITE_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  /** berth.* property -> its type in {@link BerthConfig}. */
  private static Map<String, Class<?>> propertyTypes;

  @BeforeAll
  static void load() {
    propertyTypes = new TreeMap<>();
    collectPropertyTypes("berth", BerthConfig.class, propertyTypes);
  }

  @Test
  void everyBerthVariable_isADocumentedPropertyWithAValidValue() throws IOException {
    List<String> problems = new ArrayList<>();
    int seen = 0;
    for (K8s r : K8s.all()) {
      for (Map<String, Object> c : r.containers()) {
        for (Object e : list(c.get("env"))) {
          Map<String, Object> env = map(e);
          seen++;
          checkVariable(r.toString(), str(env.get("name")), env.containsKey("value") ? str(env.get("value")) : null,
              env.containsKey("valueFrom"), false, problems);
        }
      }
    }
    for (Map<String, Object> c : acaContainers()) {
      for (Object e : list(c.get("env"))) {
        Map<String, Object> env = map(e);
        seen++;
        checkVariable("containerapp.yaml", str(env.get("name")), str(env.get("value")), env.containsKey("secretRef"), false,
            problems);
      }
    }
    Map<String, Object> services = map(composeFile().get("services"));
    for (String s : List.of("berth", "berth-fs")) {
      for (Map.Entry<String, String> e : environment(map(services.get(s))).entrySet()) {
        seen++;
        checkVariable("compose " + s, e.getKey(), e.getValue(), false, true, problems);
      }
    }
    Matcher m = Pattern.compile("name: '([A-Z][A-Z0-9_]*)'\\s*\\n\\s*value: ([^\\n]+)").matcher(bicep());
    while (m.find()) {
      seen++;
      String value = m.group(2).trim();
      checkVariable("main.bicep", m.group(1), value.matches("'[^']*'") ? value.substring(1, value.length() - 1) : null,
          false, false, problems);
    }
    assertTrue(seen > 30, "too few environment variables found: " + seen);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /**
   * A {@code BERTH_*} variable must be a row of README's configuration table; a literal value must
   * convert to the property's type; secrets must come from a secret reference (except Azurite's
   * public development key in the local compose file).
   */
  private static void checkVariable(String where, String name, String value, boolean fromSecret, boolean local,
      List<String> problems) {
    if (!name.startsWith("BERTH_")) {
      return;
    }
    String property = documentedVariables().get(name);
    if (property == null) {
      problems.add(where + ": " + name + " is not a property of README's configuration table");
      return;
    }
    if (SECRET_PROPERTIES.contains(property) && value != null && !fromSecret
        && !(local && value.equals(AZURITE_KEY))) {
      problems.add(where + ": " + name + " is a secret: take it from a Secret, not a literal value");
    }
    Class<?> type = propertyTypes.get(property);
    if (value == null || value.contains("${") || type == null) {
      return; // from a secret, or filled in at deployment
    }
    try {
      if (type.isEnum()) {
        Set<String> allowed = Arrays.stream(type.getEnumConstants())
            .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .collect(Collectors.toCollection(TreeSet::new));
        if (!allowed.contains(value)) {
          problems.add(where + ": " + name + "=" + value + " is not one of " + allowed);
        }
      } else if (type == Duration.class) {
        Duration.parse(value);
      } else if (type == boolean.class) {
        if (!value.equals("true") && !value.equals("false")) {
          problems.add(where + ": " + name + "=" + value + " is not true or false");
        }
      } else if (type == int.class) {
        Integer.parseInt(value);
      }
    } catch (RuntimeException e) {
      problems.add(where + ": " + name + "=" + value + " is not a valid " + type.getSimpleName());
    }
  }

  private static void collectPropertyTypes(String prefix, Class<?> type, Map<String, Class<?>> out) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.getParameterCount() != 0 || m.isDefault() || Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      String name = prefix + "." + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
      Class<?> r = m.getReturnType();
      if (r.isInterface() && r.getEnclosingClass() == BerthConfig.class) {
        collectPropertyTypes(name, r, out);
      } else if (r == Optional.class && m.getGenericReturnType() instanceof ParameterizedType p
          && p.getActualTypeArguments()[0] instanceof Class<?> c) {
        out.put(name, c);
      } else {
        out.put(name, r);
      }
    }
  }
}
