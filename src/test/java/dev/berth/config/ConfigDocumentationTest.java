package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every property of {@link BerthConfig} has a row in README's configuration table. */
class ConfigDocumentationTest {

  @Test
  void readme_documentsEveryProperty() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    List<String> missing = new ArrayList<>();
    for (String property : properties("berth", BerthConfig.class)) {
      if (!readme.contains("| `" + property + "` |")) {
        missing.add(property);
      }
    }
    assertTrue(missing.isEmpty(), "README's configuration table lacks " + missing);
  }

  static List<String> properties(String prefix, Class<?> type) {
    List<String> out = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      if (m.getParameterCount() != 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      String name = prefix + "." + kebab(m.getName());
      Class<?> r = m.getReturnType();
      if (isGroup(r)) {
        out.addAll(properties(name, r));
      } else if (r == java.util.Map.class) {
        // A map's key is the user's: endpoints -> berth.events.endpoints.<endpoint>.url
        String key = name + ".<" + kebab(m.getName()).replaceAll("s$", "") + ">";
        Type value = ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[1];
        if (value instanceof Class<?> c && isGroup(c)) {
          out.addAll(properties(key, c));
        } else {
          out.add(key);
        }
      } else {
        out.add(name);
      }
    }
    return out;
  }

  /** A group of properties: an interface nested in BerthConfig or a top-level one beside it (GcConfig). */
  private static boolean isGroup(Class<?> c) {
    return c.isInterface() && c.getPackageName().equals(BerthConfig.class.getPackageName());
  }

  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }
}
