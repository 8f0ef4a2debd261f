-- Every applied migration, as yoyo records it, with pgsuite's checksums where present.
SELECT y.migration_id,
       y.applied_at_utc AT TIME ZONE 'UTC' AS applied_at,
       l.checksum,
       l.rollback_checksum,
       l.duration_ms
FROM public._yoyo_migration AS y
LEFT JOIN pgsuite.migration_ledger AS l USING (migration_id)
ORDER BY y.applied_at_utc, y.migration_id
