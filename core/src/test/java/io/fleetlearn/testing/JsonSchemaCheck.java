package io.fleetlearn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON value against a JSON Schema of config/ in two ways:
 *
 * <ol>
 *   <li>with a real validator (networknt json-schema-validator, the schema's draft 2020-12, {@code
 *       format} asserted): types, enums, patterns, bounds, required properties, {@code $ref}s
 *       within and between the schemas of config/ (each known by its {@code $id});
 *   <li>documentation: every property of the value is named by its schema ({@code properties}, or
 *       an {@code additionalProperties} schema). The schemas themselves stay open to new fields, as
 *       the contracts promise consumers; this check keeps the code from publishing a field the
 *       documentation does not have.
 * </ol>
 *
 * Tests run with the repository root as working directory.
 */
public final class JsonSchemaCheck {
  private static final Path SCHEMAS = Path.of("config");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaValidatorsConfig ASSERT_FORMATS =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  private static volatile JsonSchemaFactory factory;

  private JsonSchemaCheck() {}

  /** The problems of {@code value} against {@code schema}; empty when it matches. */
  public static List<String> problems(JsonNode schema, JsonNode value) {
    List<String> problems = new ArrayList<>();
    for (ValidationMessage m : validator(schema).validate(value)) {
      problems.add(m.toString());
    }
    problems.addAll(undocumented(schema, value, "$", schema));
    return problems;
  }

  private static JsonSchema validator(JsonNode schema) {
    String id = schema.path("$id").asText("");
    if (!id.isEmpty()) {
      try {
        return factory().getSchema(SchemaLocation.of(id), ASSERT_FORMATS);
      } catch (RuntimeException notAConfigSchema) {
        // A schema that is not one of config/ (a test's own): validated on its own below.
      }
    }
    return factory().getSchema(schema.toString(), ASSERT_FORMATS);
  }

  /**
   * Draft 2020-12, with every schema of config/ by its $id, so that references between them
   * resolve.
   */
  private static JsonSchemaFactory factory() {
    JsonSchemaFactory f = factory;
    if (f == null) {
      Map<String, String> byId = new LinkedHashMap<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(SCHEMAS, "*.schema.json")) {
        for (Path file : files) {
          String text = Files.readString(file);
          String id = JSON.readTree(text).path("$id").asText("");
          if (!id.isEmpty()) {
            byId.put(id, text);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the schemas of " + SCHEMAS, e);
      }
      f =
          JsonSchemaFactory.getInstance(
              SpecVersion.VersionFlag.V202012, b -> b.schemaLoaders(l -> l.schemas(byId)));
      factory = f;
    }
    return f;
  }

  /** Properties of {@code value} that {@code schema} does not name, recursively. */
  private static List<String> undocumented(
      JsonNode schema, JsonNode value, String path, JsonNode root) {
    List<String> problems = new ArrayList<>();
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      schema = resolve(ref, root);
      if (!ref.startsWith("#")) {
        root = schemaById(ref.substring(0, Math.max(0, ref.indexOf('#'))), root);
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        problems.addAll(
            undocumented(schema.get("items"), value.get(i), path + "[" + i + "]", root));
      }
      return problems;
    }
    if (!value.isObject()) {
      return problems;
    }
    JsonNode props = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (props.has(f)) {
        problems.addAll(undocumented(props.get(f), value.get(f), path + "." + f, root));
      } else if (additional != null && additional.isObject()) {
        problems.addAll(undocumented(additional, value.get(f), path + "." + f, root));
      } else if (schema.has("properties")) {
        problems.add(path + "." + f + " is present but not documented");
      }
    }
    return problems;
  }

  private static JsonNode resolve(String ref, JsonNode root) {
    int hash = ref.indexOf('#');
    JsonNode document = hash > 0 ? schemaById(ref.substring(0, hash), root) : root;
    return document.at(hash < 0 ? "" : ref.substring(hash + 1));
  }

  private static JsonNode schemaById(String id, JsonNode fallback) {
    if (id.isEmpty()) {
      return fallback;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(SCHEMAS, "*.schema.json")) {
      for (Path f : files) {
        JsonNode s = JSON.readTree(Files.readString(f));
        if (id.equals(s.path("$id").asText())) {
          return s;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("no schema in " + SCHEMAS + " has $id " + id);
  }
}
