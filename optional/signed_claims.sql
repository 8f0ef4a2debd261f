-- depends: 0009_validate_input_limits
-- Signed claims (docs/security.md): the tenant and the actor are read from the token PostgREST
-- passes in request.headers, once its HS256 signature verified inside the database, instead of
-- request.jwt.claims, which any session can set with set_config(). A session that forges the
-- setting cannot forge the signature.
--
-- To use it: copy this file to migrations/ as the next NNNN_signed_claims.sql (and its
-- rollback beside it), set the secret PostgREST signs with, as the owner, outside any file that
-- is committed:
--     SELECT app_private.set_jwt_secret('<the jwt-secret of PostgREST>');
-- then deploy. Update verify/schema.yaml (pgsuite verify snapshot): claims_mode() changes.
CREATE OR REPLACE FUNCTION app_private.claims_mode()
RETURNS text
LANGUAGE sql IMMUTABLE
RETURN 'signed';
