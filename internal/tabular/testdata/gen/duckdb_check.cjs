// Reads a Parquet file with DuckDB and prints, as JSON, what DuckDB sees:
// the row count, each column's DuckDB type, the null count of each column,
// and the first row's and the summed embedding values. Used by
// TestWriteParquetDuckDB to check that files written by WriteParquet load
// in DuckDB. Usage: NODE_PATH=SCRATCH/node_modules node duckdb_check.cjs FILE
const { DuckDBInstance } = require('@duckdb/node-api');

const file = process.argv[2].replaceAll("'", "''");

(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  const one = async (sql) => (await conn.runAndReadAll(sql)).getRows();
  const count = Number((await one(`SELECT count(*) FROM '${file}'`))[0][0]);
  const types = {};
  const nulls = {};
  for (const [name, type] of await one(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '${file}')`)) {
    types[name] = type;
    const q = name.replaceAll('"', '""');
    nulls[name] = Number((await one(`SELECT count(*) FROM '${file}' WHERE "${q}" IS NULL`))[0][0]);
  }
  let first = null;
  let sum = null;
  if ('embedding' in types) {
    const r = await one(`SELECT embedding::DOUBLE[]::VARCHAR FROM '${file}' LIMIT 1`);
    first = JSON.parse(r[0][0]);
    sum = Number((await one(`SELECT sum(list_sum(embedding::DOUBLE[])) FROM '${file}'`))[0][0]);
  }
  const version = (await one('SELECT version()'))[0][0];
  console.log(JSON.stringify({ version, count, types, nulls, first, sum }));
})().catch((e) => { console.error(e); process.exit(1); });
