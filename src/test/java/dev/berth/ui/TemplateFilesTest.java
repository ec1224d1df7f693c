package dev.berth.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.qute.Engine;
import io.quarkus.qute.TemplateLocator.TemplateLocation;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The running application's Qute engine finds every UI template through TemplateFiles, not its
 * own class-loader locator. Pages would render either way (Qute's locator finds the same files),
 * so the UI's browser tests cannot tell; only the start-up cost differs (see TemplateFiles).
 */
@QuarkusTest
class TemplateFilesTest {
  private static final Path TEMPLATES = Path.of("src/main/resources/templates");

  @Inject
  Engine engine;

  @Test
  void everyTemplate_isLocatedByTemplateFiles_withTheFilesContent() throws IOException {
    List<Path> files = templateFiles();
    assertFalse(files.isEmpty(), "no templates under " + TEMPLATES);
    for (Path file : files) {
      String id = TEMPLATES.relativize(file).toString().replace('\\', '/');
      String name = id.substring(0, id.length() - ".html".length());
      // Engine.locate asks the locators in priority order and answers with the first location.
      Optional<TemplateLocation> located = engine.locate(name);
      assertTrue(located.isPresent(), name);
      assertEquals(TemplateFiles.class, located.get().getClass().getEnclosingClass(), name);
      StringWriter text = new StringWriter();
      try (Reader in = located.get().read()) {
        in.transferTo(text);
      }
      assertEquals(Files.readString(file, StandardCharsets.UTF_8), text.toString(), name);
      // The template the application loaded at start: Qute's own locator would have given it
      // the file's URI as its source; TemplateFiles' locations carry none.
      assertTrue(engine.getTemplate(name).getSource().isEmpty(), name + " was loaded by another locator");
    }
  }

  private static List<Path> templateFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(TEMPLATES)) {
      return walk.filter(p -> p.toString().endsWith(".html")).sorted().toList();
    }
  }
}
