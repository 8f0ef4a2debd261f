-- pgsuite's schema and the table whose lock serialises migrations (migrate/backend.py). Nobody
-- but the deploying role may use the schema: an API role cannot take the lock, nor hold it.
CREATE SCHEMA IF NOT EXISTS pgsuite;
REVOKE ALL ON SCHEMA pgsuite FROM PUBLIC;
CREATE TABLE IF NOT EXISTS pgsuite.migration_lock (id boolean PRIMARY KEY DEFAULT true CHECK (id));
REVOKE ALL ON pgsuite.migration_lock FROM PUBLIC;
