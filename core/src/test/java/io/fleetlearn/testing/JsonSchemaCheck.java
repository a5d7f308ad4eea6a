package io.fleetlearn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Checks a JSON value against the object and array parts of a JSON Schema under config/: every
 * required property present (recursively, following local $refs), and no property that the schema
 * does not name. Enough to keep code and documented contracts in step; not a validator.
 */
public final class JsonSchemaCheck {
  private JsonSchemaCheck() {}

  /** The problems of {@code value} against {@code schema}; empty when it matches. */
  public static List<String> problems(JsonNode schema, JsonNode value) {
    return check(schema, value, "$", schema);
  }

  /** Problems of {@code value} against the object and array parts of {@code schema}. */
  private static List<String> check(JsonNode schema, JsonNode value, String path, JsonNode root) {
    List<String> problems = new ArrayList<>();
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      schema = root.at(ref.substring(ref.indexOf('#') + 1));
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        problems.addAll(check(schema.get("items"), value.get(i), path + "[" + i + "]", root));
      }
      return problems;
    }
    if (!value.isObject()) {
      return problems;
    }
    for (JsonNode r : schema.path("required")) {
      if (!value.has(r.asText())) {
        problems.add(path + "." + r.asText() + " is required but missing");
      }
    }
    JsonNode props = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (props.has(f)) {
        problems.addAll(check(props.get(f), value.get(f), path + "." + f, root));
      } else if (additional != null && additional.isObject()) {
        problems.addAll(check(additional, value.get(f), path + "." + f, root));
      } else if (schema.has("properties")) {
        problems.add(path + "." + f + " is present but not documented");
      }
    }
    return problems;
  }
}
