package org.moespark.dist;

import org.nd4j.linalg.api.buffer.DataType;

/** Element types on the wire; the code travels in every message header. */
enum DType {
  FLOAT(4),
  DOUBLE(8),
  LONG(8);

  final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  static DType of(DataType t) {
    return switch (t) {
      case FLOAT -> FLOAT;
      case DOUBLE -> DOUBLE;
      case LONG -> LONG;
      default -> throw new IllegalArgumentException(
          "collectives support FLOAT, DOUBLE and LONG arrays, got " + t);
    };
  }

  static DType ofCode(int code) {
    DType[] all = values();
    if (code < 0 || code >= all.length) {
      throw new CollectiveException("unknown data type code " + code + " in a message header");
    }
    return all[code];
  }
}
