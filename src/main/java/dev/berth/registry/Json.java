package dev.berth.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** JSON through Jackson's tree model only: no reflection, so nothing to register for native. */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /**
   * For documents other programs read too (manifests): one JSON value and nothing after it, and
   * no key twice in an object, so that no reader can see other content than Berth checked.
   */
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses bytes into a tree; throws IOException on malformed input. */
  public static JsonNode parse(byte[] data) throws IOException {
    return MAPPER.readTree(data);
  }

  /** Parses one JSON document strictly (see {@link #STRICT}); throws IOException otherwise. */
  static JsonNode parseStrict(byte[] data) throws IOException {
    return STRICT.readTree(data);
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** Text of a field when it is a string, else null. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
