package io.fleetlearn.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * Reads Universal Binary JSON (UBJSON, the form XGBoost saves models in as {@code ubj}) into a
 * Jackson tree: the same tree {@link TreeEnsemble} walks for the JSON form, without loading the
 * model into xgboost4j first (which costs about 1.3 ms of CPU per model on 2 cores, OpenMP
 * included, against about 0.2 ms here).
 *
 * <p>All of UBJSON draft 12 that XGBoost writes and reads: null, no-op, booleans, the integer and
 * float types (big-endian), high-precision numbers (as text), chars, strings, and arrays and
 * objects, also with a count ({@code #}) and a type ({@code $}). Anything malformed, truncated or
 * nested deeper than {@link #MAX_DEPTH} is refused with {@link UnsupportedModelException}, never
 * another exception.
 */
final class UbjReader {
  /** Deepest nesting accepted (an XGBoost model nests about 8 deep). */
  static final int MAX_DEPTH = 64;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final byte[] b;
  private int pos;

  private UbjReader(byte[] bytes) {
    this.b = bytes;
  }

  /** The one value {@code bytes} hold. */
  static JsonNode read(byte[] bytes) throws UnsupportedModelException {
    UbjReader r = new UbjReader(bytes);
    try {
      JsonNode v = r.value(r.marker(), 0);
      return v;
    } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new UnsupportedModelException("not a UBJSON model: truncated at byte " + r.pos);
    }
  }

  /** The next marker, skipping no-ops. */
  private byte marker() {
    byte m = b[pos++];
    while (m == 'N') {
      m = b[pos++];
    }
    return m;
  }

  private JsonNode value(byte marker, int depth) throws UnsupportedModelException {
    switch (marker) {
      case 'Z':
        return NODES.nullNode();
      case 'T':
        return NODES.booleanNode(true);
      case 'F':
        return NODES.booleanNode(false);
      case 'i':
      case 'U':
      case 'I':
      case 'l':
        return NODES.numberNode((int) integer(marker));
      case 'L':
        return NODES.numberNode(integer(marker));
      case 'd':
        return NODES.numberNode(Float.intBitsToFloat((int) bigEndian(4)));
      case 'D':
        return NODES.numberNode(Double.longBitsToDouble(bigEndian(8)));
      case 'C':
        return NODES.textNode(String.valueOf((char) (b[pos++] & 0xFF)));
      case 'S':
      case 'H':
        return NODES.textNode(string());
      case '[':
        return array(depth + 1);
      case '{':
        return object(depth + 1);
      default:
        throw new UnsupportedModelException(
            "not a UBJSON model: marker 0x"
                + Integer.toHexString(marker & 0xFF)
                + " at byte "
                + (pos - 1));
    }
  }

  private long integer(byte marker) throws UnsupportedModelException {
    switch (marker) {
      case 'i':
        return b[pos++];
      case 'U':
        return b[pos++] & 0xFF;
      case 'I':
        return (short) bigEndian(2);
      case 'l':
        return (int) bigEndian(4);
      case 'L':
        return bigEndian(8);
      default:
        throw new UnsupportedModelException(
            "not a UBJSON model: a length of type 0x" + Integer.toHexString(marker & 0xFF));
    }
  }

  private long bigEndian(int bytes) {
    if (pos + bytes > b.length) {
      throw new ArrayIndexOutOfBoundsException(pos + bytes);
    }
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (b[pos++] & 0xFF);
    }
    return v;
  }

  /** A length: an integer value, never negative nor longer than what is left. */
  private int length() throws UnsupportedModelException {
    long n = integer(marker());
    if (n < 0 || n > b.length - pos) {
      throw new UnsupportedModelException("not a UBJSON model: length " + n + " at byte " + pos);
    }
    return (int) n;
  }

  private String string() throws UnsupportedModelException {
    int n = length();
    String s = new String(b, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  private void checkDepth(int depth) throws UnsupportedModelException {
    if (depth > MAX_DEPTH) {
      throw new UnsupportedModelException("not a UBJSON model: nested deeper than " + MAX_DEPTH);
    }
  }

  private ArrayNode array(int depth) throws UnsupportedModelException {
    checkDepth(depth);
    ArrayNode a = NODES.arrayNode();
    byte type = 0;
    int count = -1;
    byte m = marker();
    if (m == '$') {
      type = b[pos++];
      m = marker();
      if (m != '#') {
        throw new UnsupportedModelException("not a UBJSON model: a typed array without a count");
      }
    }
    if (m == '#') {
      count = length();
      for (int i = 0; i < count; i++) {
        a.add(value(type != 0 ? type : marker(), depth));
      }
      return a;
    }
    while (m != ']') {
      a.add(value(m, depth));
      m = marker();
    }
    return a;
  }

  private ObjectNode object(int depth) throws UnsupportedModelException {
    checkDepth(depth);
    ObjectNode o = NODES.objectNode();
    byte type = 0;
    int count = -1;
    if (b[pos] == '$') {
      pos++;
      type = b[pos++];
      if (b[pos] != '#') {
        throw new UnsupportedModelException("not a UBJSON model: a typed object without a count");
      }
    }
    if (b[pos] == '#') {
      pos++;
      count = length();
      for (int i = 0; i < count; i++) {
        String key = string();
        o.set(key, value(type != 0 ? type : marker(), depth));
      }
      return o;
    }
    while (true) {
      while (b[pos] == 'N') {
        pos++;
      }
      if (b[pos] == '}') {
        pos++;
        return o;
      }
      String key = string();
      o.set(key, value(marker(), depth));
    }
  }
}
