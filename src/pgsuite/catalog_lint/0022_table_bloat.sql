-- title: Table with many dead rows (bloat, estimated)
-- level: warning
-- remediation: Find what holds vacuum back (a long transaction, a stale replication slot, autovacuum settings too lax for the write rate), then VACUUM the table; pg_repack or VACUUM FULL reclaims the space.
-- An estimate from the statistics: more than a fifth of the rows dead, in a table over 8 MB.
SELECT format('%%s.%%s', s.schemaname, s.relname) AS object,
       format('table %%s: about %%s %%%% of its rows are dead (%%s of %%s), %%s; last autovacuum %%s',
              s.relname, round(100.0 * s.n_dead_tup / nullif(s.n_live_tup + s.n_dead_tup, 0)),
              s.n_dead_tup, s.n_live_tup + s.n_dead_tup, pg_size_pretty(pg_relation_size(s.relid)),
              coalesce(s.last_autovacuum::text, 'never')) AS detail
FROM pg_stat_user_tables AS s
WHERE s.schemaname = ANY(%(schemas)s)
  AND pg_relation_size(s.relid) > 8 * 1024 * 1024
  AND s.n_dead_tup > 0.2 * (s.n_live_tup + s.n_dead_tup)
ORDER BY 1
