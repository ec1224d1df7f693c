package dev.berth.proxy;

import dev.berth.config.PemCertificates;
import dev.berth.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of one upstream's HTTP client. With a {@code tls.ca-file}, one key store holds
 * the JDK's default trust anchors and the file's CAs, so a single PKIX trust manager checks the
 * chain and the host name as the JDK's default does, only with more anchors. JDK APIs only
 * (KeyStore, CertificateFactory, TrustManagerFactory): they work in the native executable.
 */
final class UpstreamTls {
  private UpstreamTls() {}

  /** The context for the upstream, or empty for the JDK's default. */
  static Optional<SSLContext> context(ProxyConfig.Tls tls) {
    if (tls == null || tls.caFile().isEmpty()) {
      return Optional.empty();
    }
    try {
      List<X509Certificate> extra = PemCertificates.read(Path.of(tls.caFile().get().trim()));
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int i = 0;
      for (X509Certificate c : defaultTrust().getAcceptedIssuers()) {
        anchors.setCertificateEntry("jdk-" + i++, c);
      }
      for (X509Certificate c : extra) {
        anchors.setCertificateEntry("ca-file-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(anchors);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return Optional.of(ctx);
    } catch (IOException | GeneralSecurityException e) {
      // The configuration check read the same file at startup; it changed since.
      throw new IllegalStateException("tls.ca-file: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager defaultTrust() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JDK has no X.509 trust manager");
  }

  /**
   * What went wrong in a failed TLS handshake, in words for an error body: the certificate
   * exception's kind and message, never a stack trace; null when {@code e} is no TLS failure.
   */
  static String problem(Throwable e) {
    boolean tls = false;
    String certificate = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      tls |= t instanceof javax.net.ssl.SSLException;
      if (t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathValidatorException
          || t.getClass().getSimpleName().contains("CertPath")) {
        certificate = t.getMessage();
      }
    }
    if (certificate != null) {
      String m = certificate.contains("certification path") || certificate.contains("PKIX")
          ? "issued by no trusted CA (set tls.ca-file to its CA)" : clip(certificate);
      return "its TLS certificate was refused: " + m;
    }
    return tls ? "the TLS handshake failed (" + clip(String.valueOf(e.getMessage())) + ")" : null;
  }

  private static String clip(String s) {
    return s.length() <= 160 ? s : s.substring(0, 157) + "...";
  }
}
