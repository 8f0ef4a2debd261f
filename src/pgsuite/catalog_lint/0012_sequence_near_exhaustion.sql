-- title: Sequence near exhaustion
-- level: error
-- remediation: Move the column to bigint (and the sequence's maximum with it) before inserts start failing with "reached maximum value of sequence".
-- Near: more than three quarters of the range between its start and its limit is used.
SELECT format('%%s.%%s', s.schemaname, s.sequencename) AS object,
       format('sequence %%s has used %%s %%%% of its range (%%s of %%s)', s.sequencename,
              round(100 * (s.last_value - s.start_value)::numeric
                    / nullif(CASE WHEN s.increment_by > 0 THEN s.max_value - s.start_value
                                  ELSE s.start_value - s.min_value END, 0), 1),
              s.last_value, CASE WHEN s.increment_by > 0 THEN s.max_value ELSE s.min_value END) AS detail
FROM pg_sequences AS s
WHERE s.schemaname = ANY(%(schemas)s)
  AND s.last_value IS NOT NULL
  AND abs(s.last_value - s.start_value)::numeric
      > 0.75 * abs(CASE WHEN s.increment_by > 0 THEN s.max_value - s.start_value
                        ELSE s.start_value - s.min_value END)
ORDER BY 1
