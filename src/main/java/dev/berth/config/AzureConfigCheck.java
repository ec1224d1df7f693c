package dev.berth.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Azure settings that can never work, found before the driver is built: a malformed connection
 * string, a credential without the account it belongs to, an endpoint that isn't a URL. Only
 * what is certain fails here; whether storage is reachable is readiness' business. Messages name
 * properties and never quote a secret (an endpoint may carry a SAS query, so it isn't quoted
 * either).
 */
final class AzureConfigCheck {
  private static final String P = "berth.storage.azure.";

  private AzureConfigCheck() {}

  /** The problems of these settings ({@code value} answers null for a property that isn't set). */
  static List<String> problems(Function<String, String> value) {
    List<String> out = new ArrayList<>();
    String cs = value.apply(P + "connection-string");
    String key = value.apply(P + "account-key");
    String sas = value.apply(P + "sas-token");
    String account = value.apply(P + "account-name");
    String endpoint = value.apply(P + "endpoint");
    String auth = normalize(value.apply(P + "auth"));
    boolean auto = auth == null || auth.equals("auto");
    String resolved = !auto ? auth
        : cs != null ? "connection-string"
        : key != null ? "shared-key"
        : sas != null ? "sas"
        : "default-credential";
    String why = auto ? "berth.storage.azure.auth=auto resolves to " + resolved + because(resolved) : "berth.storage.azure.auth=" + resolved;
    switch (resolved) {
      case "connection-string" -> {
        if (cs == null) {
          out.add(why + ", which needs " + P + "connection-string (or AZURE_STORAGE_CONNECTION_STRING)");
        } else {
          String p = connectionStringProblem(cs);
          if (p != null) {
            out.add(P + "connection-string " + p);
          }
        }
      }
      case "shared-key" -> {
        if (account == null) {
          out.add(why + ", which needs " + P + "account-name (or AZURE_STORAGE_ACCOUNT_NAME)");
        }
        if (key == null) {
          out.add(why + ", which needs " + P + "account-key (or AZURE_STORAGE_ACCOUNT_KEY)");
        } else if (!isBase64(key)) {
          out.add(P + "account-key is not base64, as every storage account key is");
        }
      }
      case "sas", "default-credential" -> {
        if (resolved.equals("sas") && sas == null) {
          out.add(why + ", which needs " + P + "sas-token (or AZURE_STORAGE_SAS_TOKEN)");
        }
        if (account == null && endpoint == null) {
          out.add(why + ", which needs " + P + "account-name or " + P + "endpoint");
        }
      }
      default -> { } // an unknown auth value is reported with the other values
    }
    if (endpoint != null && !isHttpUrl(endpoint)) {
      out.add(P + "endpoint is not an http(s) URL (e.g. https://myaccount.blob.core.windows.net)");
    }
    return out;
  }

  private static String because(String resolved) {
    return switch (resolved) {
      case "shared-key" -> " (an account key is set)";
      case "sas" -> " (a SAS token is set)";
      case "default-credential" -> " (no connection string, account key or SAS token is set)";
      default -> "";
    };
  }

  private static String normalize(String auth) {
    return auth == null ? null : auth.trim().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** What is wrong with a connection string, or null; never its contents. */
  static String connectionStringProblem(String cs) {
    boolean named = false;
    for (String part : cs.split(";")) {
      if (part.isBlank()) {
        continue; // a trailing ';' is common
      }
      int eq = part.indexOf('=');
      if (eq <= 0 || part.substring(0, eq).isBlank()) {
        return "is not of the form key=value;key=value;...";
      }
      String k = part.substring(0, eq).trim();
      String v = part.substring(eq + 1).trim();
      named |= (k.equalsIgnoreCase("AccountName") || k.equalsIgnoreCase("BlobEndpoint")) && !v.isEmpty()
          || k.equalsIgnoreCase("UseDevelopmentStorage") && v.equalsIgnoreCase("true");
    }
    return named ? null : "names neither AccountName nor BlobEndpoint";
  }

  private static boolean isBase64(String s) {
    try {
      return Base64.getDecoder().decode(s.trim()).length > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isHttpUrl(String s) {
    try {
      URI u = new URI(s.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
    } catch (Exception e) {
      return false;
    }
  }
}
