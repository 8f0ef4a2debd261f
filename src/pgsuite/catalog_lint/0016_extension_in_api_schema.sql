-- title: Extension installed in an API schema
-- level: warning
-- needs: api_schemas
-- remediation: ALTER EXTENSION ... SET SCHEMA extensions (a schema of their own): an API such as PostgREST exposes every function of the schemas it serves, an extension's included.
SELECT e.extname::text AS object,
       format('extension %%s lives in %%s, a schema the API exposes', e.extname, n.nspname) AS detail
FROM pg_extension AS e
JOIN pg_namespace AS n ON n.oid = e.extnamespace
WHERE n.nspname = ANY(%(api_schemas)s::text[]) AND e.extname <> 'plpgsql'
ORDER BY 1
