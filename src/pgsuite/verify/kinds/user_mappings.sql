-- pg_user_mappings shows the options to the server's owner and superusers only (NULL otherwise).
SELECT um.usename || ' on ' || um.srvname AS name,
       coalesce(um.umoptions, '{}')::text[] AS options
FROM pg_user_mappings AS um
ORDER BY 1
