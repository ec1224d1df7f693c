package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A PKCS#12 key store with a self-signed certificate for 127.0.0.1, made with the JDK's keytool,
 * for ITs where Berth serves HTTPS itself (as README's "TLS and the access log" configures it),
 * and an SSL context for clients that trusts exactly that certificate.
 */
record SelfSignedTls(Path store, String password) {
  static SelfSignedTls create(Path dir) throws Exception {
    SelfSignedTls tls = new SelfSignedTls(dir.resolve("berth.p12"), "it-store-pass");
    Cmd.Result key = Cmd.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "berth", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", tls.store.toString(), "-storepass", tls.password)
        .timeout(Duration.ofSeconds(60)).run();
    assertTrue(key.succeeded(), key.toString());
    return tls;
  }

  /** {@code options} with Berth serving HTTPS on {@code port} from this key store. */
  RegistryProcess.Options serve(RegistryProcess.Options options, int port) {
    return options.env("QUARKUS_TLS_KEY_STORE_P12_PATH", store.toString())
        .env("QUARKUS_TLS_KEY_STORE_P12_PASSWORD", password)
        .env("QUARKUS_HTTP_SSL_PORT", Integer.toString(port));
  }

  SSLContext trusting() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
