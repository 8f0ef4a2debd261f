-- title: Others can CREATE in a schema that SECURITY DEFINER functions use
-- level: error
-- remediation: REVOKE CREATE ON SCHEMA ... FROM PUBLIC (and from every other role that is not the functions' owner): whoever can create in a schema a definer function lives in or searches can plant an overload of what it calls, or an object it reads, that then runs or is read with the owner's rights.
-- A schema is used by a definer function when it holds the function, is on its search_path, or
-- is named in its body (schema.object: a qualified call still picks the closest overload there).
-- Its owner, the functions' owner and superusers may create there; anyone else is reported.
WITH definers AS (
    SELECT p.oid, p.proowner, p.pronamespace, p.prosrc,
           (SELECT substr(cfg, length('search_path=') + 1) FROM unnest(p.proconfig) AS cfg
            WHERE cfg LIKE 'search\_path=%%') AS path
    FROM pg_proc AS p
    WHERE p.pronamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND p.prosecdef
), used AS (
    SELECT d.oid, d.proowner, d.pronamespace AS nsp FROM definers AS d
    UNION
    SELECT d.oid, d.proowner, n.oid
    FROM definers AS d
    CROSS JOIN LATERAL unnest(string_to_array(d.path, ',')) AS s(entry)
    JOIN pg_namespace AS n ON n.nspname = btrim(s.entry, ' "')
    UNION
    SELECT d.oid, d.proowner, n.oid
    FROM definers AS d
    JOIN pg_namespace AS n
      ON d.prosrc ~* ('\m' || regexp_replace(n.nspname, '([^[:alnum:]_])', '\\\1', 'g') || '\.')
)
SELECT n.nspname::text AS object,
       format('schema %%s: %%s can CREATE in it, and %%s SECURITY DEFINER function(s) use it, e.g. %%s',
              n.nspname, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
              count(DISTINCT u.oid), min(u.oid::regprocedure::text)) AS detail
FROM used AS u
JOIN pg_namespace AS n ON n.oid = u.nsp
CROSS JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) AS a
WHERE a.privilege_type = 'CREATE'
  AND a.grantee <> n.nspowner
  AND a.grantee <> u.proowner
  AND NOT coalesce((SELECT r.rolsuper FROM pg_roles AS r WHERE r.oid = a.grantee), false)
GROUP BY n.nspname, a.grantee
ORDER BY 1, 2
