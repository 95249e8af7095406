"""The owner's own data in: sales, catalog, customers, surveys and campaign results.

One pipeline for every kind and format: `readers` (a file, a SQL query, an export) → `mapping`
(the file's columns → the kind's fields, inferred or given with --map) → `validate` (typed rows,
one readable error per bad row, by line) → `store` (idempotent upsert by a natural key, scoped to
its owner). `run.import_source` ties them together; the engines read the owner's data through
`store` and name the import in their `source` line.
"""
