-- title: Sensitive-looking column readable by an API role without row-level security
-- level: error
-- needs: api_roles
-- remediation: Enable row-level security on the table (with its policies), revoke the API roles' SELECT on the column (REVOKE SELECT (col) ... or grant the other columns only), or move the data to a schema the API does not serve. Suppress it with the reason when the name misleads (a public token, say).
-- Reported for a column whose name says password, secret, token, key, card or national id, in a
-- table without row-level security, or a view, materialized view or foreign table (row-level
-- security cannot guard those), that an untrusted API role can read.
SELECT format('%%s.%%s.%%s', c.relnamespace::regnamespace, c.relname, a.attname) AS object,
       format('column %%s.%%s looks sensitive and %%s can read every row of it (%%s)', c.relname, a.attname,
              string_agg(DISTINCT r, ', '),
              CASE c.relkind WHEN 'v' THEN 'a view' WHEN 'm' THEN 'a materialized view'
                             WHEN 'f' THEN 'a foreign table' ELSE 'row-level security disabled' END) AS detail
FROM pg_class AS c
JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
CROSS JOIN unnest(%(api_roles)s::text[]) AS r
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND (c.relkind IN ('v', 'm', 'f') OR NOT c.relrowsecurity)
  AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND a.attname ~* '(^|_)(password|passwd|pwd|secret|token|api_?key|private_?key|ssn|social_security|credit_?card|card_?number|cvv|cvc|iban|tax_id|national_id|passport)(_|$)'
  AND NOT r = ANY(%(trusted_roles)s::text[])
  AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
  AND has_column_privilege(r, c.oid, a.attnum, 'SELECT')
GROUP BY c.oid, c.relnamespace, c.relname, c.relkind, a.attname
ORDER BY 1
