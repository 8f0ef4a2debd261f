-- title: SECURITY DEFINER function without a safe search_path
-- level: error
-- remediation: ALTER FUNCTION ... SET search_path = pg_catalog, pg_temp (pg_temp explicitly last; add only schemas that no untrusted role can create in) and name the schema of every object it uses. Without it the caller's search_path decides what runs with the owner's rights; with an empty one, or one without pg_temp last, PostgreSQL still searches the caller's temporary schema FIRST for types and relations.
-- PostgreSQL's "Writing SECURITY DEFINER Functions Safely": the path must end with pg_temp.
WITH definers AS (
    SELECT p.pronamespace, p.proname, oidvectortypes(p.proargtypes) AS args,
           (SELECT substr(cfg, length('search_path=') + 1) FROM unnest(p.proconfig) AS cfg
            WHERE cfg LIKE 'search\_path=%%') AS path
    FROM pg_proc AS p
    WHERE p.pronamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND p.prosecdef
)
SELECT format('%%s.%%s(%%s)', pronamespace::regnamespace, proname, args) AS object,
       format('SECURITY DEFINER function %%s(%%s) %%s', proname, args,
              CASE WHEN path IS NULL THEN 'does not set search_path'
                   WHEN btrim(path, ' "') = '' THEN 'sets an empty search_path: pg_temp is then searched first for types and relations'
                   ELSE format('sets search_path=%%s, which does not end with pg_temp (searched first when not listed)', path)
              END) AS detail
FROM definers
WHERE path IS NULL
   OR btrim((string_to_array(path, ','))[cardinality(string_to_array(path, ','))], ' "') <> 'pg_temp'
ORDER BY 1
