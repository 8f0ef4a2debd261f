SELECT rolname AS name, rolcanlogin AS login, rolsuper AS superuser, rolbypassrls AS bypassrls
FROM pg_roles
ORDER BY rolname
