"""Built-in lints: one SQL file per lint, NNNN_slug.sql, discovered by glob."""
