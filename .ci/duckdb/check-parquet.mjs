// Prints, as JSON, the row count and column types DuckDB sees in a Parquet
// file: node check-parquet.mjs FILE
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const lit = "'" + file.replaceAll("'", "''") + "'";
const count = await con.runAndReadAll(`SELECT count(*) AS n FROM ${lit}`);
const cols = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${lit}`);
const types = {};
for (const r of cols.getRowObjectsJson()) types[r.column_name] = r.column_type;
console.log(JSON.stringify({ rows: Number(count.getRowObjectsJson()[0].n), types }));
