-- The role that deployed the schema: the one that applied the latest migration, from pgsuite's
-- ledger (run only when the ledger exists and is readable), else the role verify connects as.
SELECT coalesce((SELECT applied_by FROM pgsuite.migration_ledger ORDER BY applied_at DESC LIMIT 1), current_user)
