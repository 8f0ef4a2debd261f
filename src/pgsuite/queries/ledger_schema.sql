-- pgsuite's own bookkeeping, beside yoyo's tables: a content checksum of every applied
-- migration (yoyo records only a hash of the id) and of every repeatable file.
CREATE SCHEMA IF NOT EXISTS pgsuite;

CREATE TABLE IF NOT EXISTS pgsuite.migration_ledger (
    migration_id      text PRIMARY KEY,
    checksum          text NOT NULL,
    rollback_checksum text,
    statements        integer NOT NULL,
    duration_ms       numeric NOT NULL,
    applied_at        timestamptz NOT NULL DEFAULT now(),
    applied_by        text NOT NULL DEFAULT current_user
);

CREATE TABLE IF NOT EXISTS pgsuite.repeatable_ledger (
    name        text PRIMARY KEY,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);
