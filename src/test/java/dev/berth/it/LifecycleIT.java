package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * What an orchestrator sees of the packaged registry (the native executable with -Dnative): the
 * three probes answer, and SIGTERM stops the process cleanly and quickly.
 */
class LifecycleIT {

  @Test
  void probes_answerUp_onFilesystemStorage() throws Exception {
    try (RegistryProcess reg = RegistryProcess.start()) {
      RegistryClient c = new RegistryClient(reg.url());
      for (String probe : new String[] {"live", "ready", "started"}) {
        HttpResponse<byte[]> r = c.send("GET", "/q/health/" + probe, null);
        assertEquals(200, r.statusCode(), probe);
        assertTrue(new String(r.body()).contains("\"status\": \"UP\"") || new String(r.body()).contains("\"status\":\"UP\""), probe);
      }
      HttpResponse<byte[]> v2 = c.send("GET", "/v2/", null);
      assertEquals(200, v2.statusCode());
      assertEquals("registry/2.0", v2.headers().firstValue("Docker-Distribution-API-Version").orElseThrow());
    }
  }

  @Test
  void sigterm_stopsCleanly() throws Exception {
    RegistryProcess reg = RegistryProcess.start();
    RegistryClient c = new RegistryClient(reg.url());
    String digest = c.pushBlob("lifecycle/app", new byte[] {1, 2, 3});
    long t0 = System.nanoTime();
    int status = reg.stop();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    // 143 = terminated by SIGTERM after the shutdown hooks ran (JVM and native alike).
    assertEquals(143, status, reg.log());
    assertTrue(reg.log().contains("stopped in"), reg.log());
    System.out.println("SIGTERM to exit: " + millis + " ms");
    // What was pushed before the stop is there after a restart over the same data.
    try (RegistryProcess again = RegistryProcess.start(RegistryProcess.options().dataDir(reg.dataDir()))) {
      assertEquals(3, new RegistryClient(again.url()).getBlob("lifecycle/app", digest).length);
    }
  }
}
