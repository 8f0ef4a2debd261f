-- title: Index never used since the statistics were reset
-- level: warning
-- remediation: Drop it (DROP INDEX CONCURRENTLY) if no query of a full business cycle needs it: every write maintains it. Indexes behind a constraint are not reported.
-- Statistics younger than project.unused_index_days (a week) prove nothing: then the lint does not
-- judge (a NULL object).
WITH age AS (
    SELECT now() - coalesce((SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()),
                            pg_postmaster_start_time()) AS collected
)
SELECT NULL AS object,
       format('index statistics were collected for %%s only: %%s day(s) at least are needed to call an index unused',
              date_trunc('second', age.collected), %(unused_index_days)s) AS detail
FROM age WHERE age.collected < make_interval(days => %(unused_index_days)s)
UNION ALL
SELECT format('%%s.%%s.%%s', s.schemaname, s.relname, s.indexrelname),
       format('index %%s on %%s: 0 scans in %%s, %%s', s.indexrelname, s.relname,
              date_trunc('day', age.collected), pg_size_pretty(pg_relation_size(s.indexrelid)))
FROM pg_stat_user_indexes AS s
CROSS JOIN age
WHERE age.collected >= make_interval(days => %(unused_index_days)s)
  AND s.schemaname = ANY(%(schemas)s) AND s.idx_scan = 0
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS con WHERE con.conindid = s.indexrelid)
ORDER BY 1, 2
