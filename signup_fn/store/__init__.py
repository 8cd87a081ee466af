"""The function's database: its engine, schema, statements and migrations."""
