package io.churnscope.jobs.catalog;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

/** Spark SQL types spelled the way DuckDB declares them. */
final class DuckDbTypes {
  private DuckDbTypes() {}

  static String of(DataType type) {
    if (type instanceof DecimalType decimal) {
      return "DECIMAL(" + decimal.precision() + "," + decimal.scale() + ")";
    }
    if (type instanceof ArrayType array) {
      return of(array.elementType()) + "[]";
    }
    if (type instanceof MapType map) {
      return "MAP(" + of(map.keyType()) + ", " + of(map.valueType()) + ")";
    }
    if (type instanceof StructType struct) {
      return "STRUCT(" + java.util.Arrays.stream(struct.fields())
          .map(f -> "\"" + f.name() + "\" " + of(f.dataType())).collect(java.util.stream.Collectors.joining(", ")) + ")";
    }
    if (type.equals(DataTypes.StringType)) {
      return "VARCHAR";
    }
    if (type.equals(DataTypes.TimestampType)) {
      // What DuckDB reads Spark's Parquet timestamps as: UTC wall-clock values.
      return "TIMESTAMP";
    }
    if (type.equals(DataTypes.IntegerType)) {
      return "INTEGER";
    }
    // DATE, BIGINT, BOOLEAN, DOUBLE, FLOAT, SMALLINT, TINYINT read the same in both.
    return type.sql();
  }
}
