package dev.berth.ui;

import io.quarkus.qute.TemplateLocator;
import io.quarkus.qute.Variant;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the UI's templates ({@code src/main/resources/templates}) for Qute ahead of its own
 * locator, which asks {@code ClassLoader.getResource}. In the native executable a class loader's
 * lookup (getResource and getResourceAsStream alike) tries the name once per module of the image
 * (about 70), each through a record's interpreted {@code equals}, and Qute loads every template
 * while the application starts: a tenth of the native start's CPU (perf). {@code
 * Class.getResourceAsStream} looks in the class's own module only: one lookup. The same files,
 * the same content type (HTML, so Qute escapes), so the same pages.
 */
@Singleton
class TemplateFiles implements TemplateLocator {
  private static final String ROOT = "/templates/";
  private static final String SUFFIX = ".html";
  // Qute's own variant: the default locale and UTF-8 (neither quarkus.default-locale nor
  // quarkus.qute.default-charset is set), read when the bean is made, at run time.
  private final Variant html = new Variant(Locale.getDefault(), StandardCharsets.UTF_8, Variant.TEXT_HTML);

  @Override
  public Optional<TemplateLocation> locate(String id) {
    // Qute asks for "catalog" and "catalog.html"; only .html files are Berth's templates.
    String file = id.endsWith(SUFFIX) ? id : id + SUFFIX;
    try (InputStream in = TemplateFiles.class.getResourceAsStream(ROOT + file)) {
      if (in == null) {
        return Optional.empty(); // Qute's locator answers for anything else
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Optional.of(new Location(text, html));
    } catch (IOException e) {
      throw new UncheckedIOException("template " + file, e);
    }
  }

  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 10; // before Qute's locator (DEFAULT_PRIORITY)
  }

  private record Location(String text, Variant variant) implements TemplateLocation {
    @Override
    public Reader read() {
      return new StringReader(text);
    }

    @Override
    public Optional<Variant> getVariant() {
      return Optional.of(variant);
    }
  }
}
