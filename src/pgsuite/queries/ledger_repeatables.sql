SELECT name, checksum, applied_at FROM pgsuite.repeatable_ledger ORDER BY name
