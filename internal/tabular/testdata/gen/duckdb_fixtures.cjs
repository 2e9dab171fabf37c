// Writes the Parquet fixtures of internal/tabular with DuckDB, a Parquet
// writer independent of parquet-go. Usage (from internal/tabular/testdata):
//
//   npm install --prefix SCRATCH @duckdb/node-api
//   NODE_PATH=SCRATCH/node_modules node gen/duckdb_fixtures.cjs .
//
// Every value is a formula of the row number i, so tests recompute what
// they expect instead of storing it; see ../README.md.
const { DuckDBInstance } = require('@duckdb/node-api');
const path = require('node:path');

const out = process.argv[2] || '.';
const file = (name) => path.join(out, name).replaceAll("'", "''");

// The embedding of row i, element k, as DOUBLE; FLOAT columns round it.
const vec = (dim) => `list_transform(range(${dim}), k -> (i * ${dim} + k) / 3.0)`;

const fixtures = [
  // pandas-like metadata, FLOAT[] embeddings, dictionary-encoded strings
  // with nulls, several row groups, zstd.
  ['duckdb_float_list.parquet', `
    SELECT i::BIGINT AS id,
           (i % 1000 - 500)::INTEGER AS small,
           'img_' || lpad(i::VARCHAR, 5, '0') || '.jpg' AS filename,
           CASE WHEN i % 7 = 0 THEN NULL ELSE ['alice', 'bob', 'carol', 'dave', 'eve'][i % 5 + 1] END AS account,
           CASE WHEN i % 5 = 3 THEN NULL ELSE i / 8.0 END::DOUBLE AS score,
           (i / 4.0)::FLOAT AS ratio,
           CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
           TIMESTAMP '2024-06-09 20:00:00' + to_minutes(i) + to_microseconds(i) AS posted,
           (TIMESTAMPTZ '2024-06-09 20:00:00+00' + to_seconds(i)) AS posted_tz,
           DATE '2024-06-01' + (i % 30)::INTEGER AS day,
           ['t' || (i % 3)::VARCHAR] AS tags,
           ${vec(8)}::FLOAT[] AS embedding
    FROM range(5000) t(i)`, "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)"],
  // DOUBLE[] embeddings and a list of integers, snappy.
  ['duckdb_double_list.parquet', `
    SELECT i::INTEGER AS id, 'img_' || i::VARCHAR || '.jpg' AS filename,
           ${vec(8)}::DOUBLE[] AS embedding,
           list_transform(range(3), k -> i + k)::INTEGER[] AS counts
    FROM range(50) t(i)`, "(FORMAT parquet, COMPRESSION snappy)"],
  // Fixed-size ARRAY FLOAT[4], gzip.
  ['duckdb_array.parquet', `
    SELECT i::INTEGER AS id, ${vec(4)}::FLOAT[4] AS embedding
    FROM range(20) t(i)`, "(FORMAT parquet, COMPRESSION gzip)"],
  // Dictionary-encoded FLOAT[] and DOUBLE[] (few distinct values), as
  // pyarrow also writes lists by default.
  ['duckdb_dictionary.parquet', `
    SELECT i::INTEGER AS id,
           list_transform(range(8), k -> ((i + k) % 5) / 4.0)::FLOAT[] AS embedding,
           list_transform(range(8), k -> ((i + k) % 7) / 3.0)::DOUBLE[] AS embedding64
    FROM range(3000) t(i)`, "(FORMAT parquet)"],
  // Rarer metadata types: decimals stored as INT32, INT64 and
  // FIXED_LEN_BYTE_ARRAY, unsigned and small integers, UUID, TIME, BLOB,
  // ENUM, and timestamps in seconds, milliseconds and nanoseconds.
  ['duckdb_types.parquet', `
    SELECT i::INTEGER AS id,
           ((i - 5) / 10)::DECIMAL(4,1) AS d4,
           ((i - 5) * 1.125)::DECIMAL(18,3) AS d18,
           ((i - 5) * 12345.6789)::DECIMAL(38,4) AS d38,
           (i - 5)::TINYINT AS tiny,
           i::UTINYINT AS u8,
           (4000000000 + i)::UINTEGER AS u32,
           (9000000000000000000 + i)::UBIGINT AS u64,
           printf('%08x-0000-4000-8000-%012x', i, i * 7)::UUID AS uuid,
           TIME '12:00:00' + to_seconds(i) AS clock,
           ('blob' || i::VARCHAR)::BLOB AS raw,
           (['red', 'green', 'blue'][i % 3 + 1])::ENUM('red', 'green', 'blue') AS colour,
           (TIMESTAMP '2024-06-09 20:00:00' + to_seconds(i))::TIMESTAMP_S AS ts_s,
           (TIMESTAMP '2024-06-09 20:00:00' + to_milliseconds(i))::TIMESTAMP_MS AS ts_ms,
           (TIMESTAMP_NS '2024-06-09 20:00:00' + to_microseconds(i)) AS ts_ns
    FROM range(10) t(i)`, "(FORMAT parquet)"],
  // Bad inputs.
  ['duckdb_ragged.parquet', `
    SELECT i::INTEGER AS id,
           CASE WHEN i = 3 THEN [1, 2, 3] ELSE [1, 2, 3, 4] END::FLOAT[] AS embedding
    FROM range(6) t(i)`, "(FORMAT parquet)"],
  ['duckdb_null_vector.parquet', `
    SELECT i::INTEGER AS id,
           CASE WHEN i = 2 THEN NULL ELSE [1, 2, 3, 4] END::FLOAT[] AS embedding
    FROM range(6) t(i)`, "(FORMAT parquet)"],
  ['duckdb_null_element.parquet', `
    SELECT i::INTEGER AS id,
           CASE WHEN i = 1 THEN [1, NULL, 3, 4] ELSE [1, 2, 3, 4] END::FLOAT[] AS embedding
    FROM range(6) t(i)`, "(FORMAT parquet)"],
  ['duckdb_empty_list.parquet', `
    SELECT i::INTEGER AS id,
           CASE WHEN i = 0 THEN [] ELSE [1, 2, 3, 4] END::FLOAT[] AS embedding
    FROM range(6) t(i)`, "(FORMAT parquet)"],
  ['duckdb_nan.parquet', `
    SELECT i::INTEGER AS id,
           CASE WHEN i = 4 THEN [1, 2, 'nan'::FLOAT, 4] ELSE [1, 2, 3, 4] END::FLOAT[] AS embedding
    FROM range(6) t(i)`, "(FORMAT parquet)"],
  ['duckdb_string_embedding.parquet', `
    SELECT i::INTEGER AS id, '[0.1, 0.2]' AS embedding
    FROM range(3) t(i)`, "(FORMAT parquet)"],
  ['duckdb_zero_rows.parquet', `
    SELECT i::INTEGER AS id, [1, 2]::FLOAT[] AS embedding
    FROM range(0) t(i)`, "(FORMAT parquet)"],
];

(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const [name, query, options] of fixtures) {
    await conn.run(`COPY (${query}) TO '${file(name)}' ${options}`);
    const r = await conn.runAndReadAll(
      `SELECT count(DISTINCT row_group_id)::INTEGER AS groups, max(row_group_num_rows)::INTEGER AS max_rows
       FROM parquet_metadata('${file(name)}')`);
    const [groups, maxRows] = r.getRows()[0];
    const enc = await conn.runAndReadAll(
      `SELECT DISTINCT encodings FROM parquet_metadata('${file(name)}') WHERE path_in_schema LIKE 'embedding%'`);
    console.log(`${name}: ${groups} row group(s), at most ${maxRows} rows each; embedding encodings ${enc.getRows().map((r) => r[0]).join(' ')}`);
  }
  const v = await conn.runAndReadAll('SELECT version()');
  console.log('written by DuckDB', v.getRows()[0][0]);
})().catch((e) => { console.error(e); process.exit(1); });
