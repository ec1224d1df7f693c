package dev.berth.storage.azure;

import com.azure.core.exception.AzureException;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import dev.berth.storage.StorageException;
import java.io.IOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

/**
 * Tells storage failures from programming errors, and says a storage failure's cause in one line.
 * Messages carry the operation, the key, the HTTP status and Azure's error code, never a URL's
 * query (which could hold a SAS) or a credential; the SDK's exception is not kept as the cause,
 * since its message can quote the request.
 */
final class AzureFailures {
  private static final int MAX_DEPTH = 12;

  private AzureFailures() {}

  /**
   * The {@link StorageException} for a failure of the storage (an HTTP error, a transport failure,
   * a timeout, an I/O error, however the SDK wrapped it), or null for anything else: a bug, which
   * must propagate unchanged.
   */
  static StorageException classify(String op, String key, String container, String hostPort, RuntimeException e) {
    String where = "azure " + op + (key.isEmpty() ? "" : " '" + key + "'") + " in container '" + container + "'";
    HttpResponseException http = find(e, HttpResponseException.class);
    if (http != null) {
      String reason = httpReason(http, container);
      return new StorageException(where + " failed: " + reason, reason, null);
    }
    Throwable transport = transportCause(e);
    if (transport != null) {
      String reason = "cannot reach " + hostPort + " (" + summary(transport) + ")";
      return new StorageException(where + " failed: " + reason, reason, null);
    }
    Throwable io = find(e, IOException.class);
    if (io != null || find(e, AzureException.class) != null || find(e, InterruptedException.class) != null) {
      Throwable cause = io != null ? io : e;
      String reason = "storage request failed (" + summary(cause) + ")";
      return new StorageException(where + " failed: " + reason, reason, null);
    }
    return null;
  }

  private static String httpReason(HttpResponseException e, String container) {
    int status = e.getResponse() == null ? -1 : e.getResponse().getStatusCode();
    String code = e instanceof BlobStorageException b && b.getErrorCode() != null ? b.getErrorCode().toString() : null;
    String http = status < 0 ? e.getClass().getSimpleName() : "HTTP " + status + (code == null ? "" : " " + code);
    if (status == 401 || status == 403) {
      return "credentials rejected or insufficient permissions (" + http + ")";
    }
    if (e instanceof ClientAuthenticationException) {
      return "no usable Azure credential (" + summary(e) + ")";
    }
    if (status == 404 && BlobErrorCode.CONTAINER_NOT_FOUND.toString().equals(code)) {
      return "container '" + container + "' does not exist (" + http + ")";
    }
    if (status == 429 || status == 503) {
      return "storage is busy, requests are throttled (" + http + ")";
    }
    return "storage answered " + http;
  }

  /** A failure to connect, resolve, or get an answer in time, wherever the SDK wrapped it. */
  private static Throwable transportCause(Throwable e) {
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
      if (t instanceof SocketException || t instanceof UnknownHostException || t instanceof UnresolvedAddressException
          || t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException
          || t instanceof javax.net.ssl.SSLException
          || t.getClass().getSimpleName().endsWith("TimeoutException")
          || (t instanceof IllegalStateException && String.valueOf(t.getMessage()).startsWith("Timeout on blocking read"))) {
        return t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** {@code SimpleName: first line of the message}, without any URL query, at most 200 characters. */
  static String summary(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    m = m.strip();
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl).strip();
    }
    m = m.replaceAll("\\?[^\\s'\"]*", "").replaceAll("(?i)sig=[^&\\s'\"]*", "sig=***");
    if (m.length() > 200) {
      m = m.substring(0, 200) + "...";
    }
    return t.getClass().getSimpleName() + ": " + m;
  }
}
