-- Signed claims' secret, and a token for the org that a client would send, kept in a table the
-- cases read (booking_data.sql, run before, made the calendar).
SELECT app_private.set_jwt_secret('a-postgrest-jwt-secret-of-at-least-32-characters');
CREATE TABLE public.bench_token AS
SELECT head || '.' || app_private.base64url_encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(head, 'UTF8'))))
           AS token
FROM app_private.jwt_secret AS k,
     LATERAL (SELECT app_private.base64url_encode(convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8')) || '.'
                     || app_private.base64url_encode(convert_to(jsonb_build_object(
                            'org_id', '00000000-0000-0000-0000-000000000001', 'sub', 'bench',
                            'role', 'authenticated', 'exp', extract(epoch FROM now() + interval '1 day')::bigint)::text,
                            'UTF8')) AS head) AS h;
