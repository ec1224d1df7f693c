package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver (paths given, so Selenium
 * Manager never downloads anything), a 1280x800 window, screenshots under
 * {@code target/screenshots/}.
 */
final class Browser implements AutoCloseable {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Path SCREENSHOTS = Path.of("target/screenshots");

  final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  static Browser start() {
    Cmd.require("chromium", "chromium");
    Cmd.require("chromedriver", "chromium-driver");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
        "--disable-gpu", "--no-first-run", "--disable-extensions");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
        .usingAnyFreePort().build();
    ChromeDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Browser(d);
  }

  /** Lets pages of {@code origin} write and read the clipboard without a prompt (headless has no one to ask). */
  void grantClipboard(String origin) {
    driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", origin,
        "permissions", java.util.List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  java.util.List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  void await(java.util.function.Function<ChromeDriver, Boolean> condition) {
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> condition.apply((ChromeDriver) d));
  }

  /** Saves the viewport as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path p = SCREENSHOTS.resolve(name + ".png");
      Files.write(p, driver.getScreenshotAs(OutputType.BYTES));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
