-- Applied migrations where yoyo's table exists but pgsuite's ledger does not (yet).
SELECT migration_id, applied_at_utc AT TIME ZONE 'UTC', NULL::text, NULL::text, NULL::numeric
FROM public._yoyo_migration
ORDER BY applied_at_utc, migration_id
