-- What a run ran against. The cluster's system identifier tells two servers apart even when
-- both are "localhost:5432"; reading it needs superuser (or a grant), else it is NULL.
SELECT current_setting('server_version'),
       current_setting('server_version_num')::int,
       current_database(),
       current_user,
       inet_server_addr()::text,
       inet_server_port(),
       CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')
            THEN (SELECT system_identifier::text FROM pg_control_system()) END
