-- title: Extension older than the version the server has
-- level: warning
-- remediation: ALTER EXTENSION ... UPDATE (in a migration, after reading its release notes): the server ships a newer version of the extension's SQL than the one installed, with the fixes made since.
SELECT e.extname::text AS object,
       format('extension %%s is at version %%s; the server has %%s', e.extname, e.extversion,
              a.default_version) AS detail
FROM pg_extension AS e
JOIN pg_available_extensions AS a ON a.name = e.extname
WHERE a.default_version IS DISTINCT FROM e.extversion
  AND EXISTS (SELECT 1 FROM pg_available_extension_versions AS v
              WHERE v.name = e.extname AND v.version = a.default_version)
ORDER BY 1
