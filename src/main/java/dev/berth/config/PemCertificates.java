package dev.berth.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The X.509 certificates of a PEM file (a CA bundle), read with the JDK's CertificateFactory only,
 * so it works unchanged in the native executable.
 */
public final class PemCertificates {
  private PemCertificates() {}

  /**
   * The file's certificates.
   *
   * @throws IOException with a message fit for a configuration problem line when the file is
   *     missing, unreadable, or holds no certificate
   */
  public static List<X509Certificate> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such file");
    }
    if (!Files.isReadable(file)) {
      throw new IOException("not readable");
    }
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        if (c instanceof X509Certificate x) {
          out.add(x);
        }
      }
    } catch (CertificateException e) {
      throw new IOException("not a PEM file of certificates");
    }
    if (out.isEmpty()) {
      throw new IOException("holds no certificate (PEM: -----BEGIN CERTIFICATE-----)");
    }
    return out;
  }
}
