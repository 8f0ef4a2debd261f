-- Who is calling, for which org, and the argument check every API function shares.
-- Internal helpers live in app_private, which no API role can use: PostgREST exposes only the
-- documented functions, and a helper is reached only through them (as their owner).
-- Every PL/pgSQL function pins search_path to pg_catalog, pg_temp: pg_catalog first for every
-- unqualified built-in, the caller's temporary schema last (an empty search_path would search it
-- FIRST for types and relations), and everything of the schema is named with its schema.
-- The one-expression helpers are SQL-standard bodies (RETURN ...): parsed and bound to their
-- objects when created (pg_catalog first), so no caller's search_path reaches them, and without
-- a SET clause PostgreSQL inlines them into the calling statement (no call, no plan of their own).
-- SQLSTATEs raised here are documented in README.md ("Errors").

-- base64url (RFC 4648 section 5, no padding), as JWTs write their parts.
CREATE OR REPLACE FUNCTION app_private.base64url_decode(p_text text)
RETURNS bytea
LANGUAGE sql IMMUTABLE
RETURN decode(translate(p_text, '-_', '+/') || repeat('=', (4 - length(p_text) % 4) % 4), 'base64');

CREATE OR REPLACE FUNCTION app_private.base64url_encode(p_data bytea)
RETURNS text
LANGUAGE sql IMMUTABLE
RETURN rtrim(translate(replace(encode(p_data, 'base64'), E'\n', ''), '+/', '-_'), '=');

-- Sets the HS256 secret (PostgREST's jwt-secret) for signed mode: its pads are kept, computed
-- once here (RFC 2104: the key, hashed when longer than the hash's 64-byte block, zero-padded,
-- XORed with 0x36 and 0x5c). The owner's tool: no role is granted it.
CREATE OR REPLACE FUNCTION app_private.set_jwt_secret(p_secret text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key bytea := convert_to(p_secret, 'UTF8');
    v_inner bytea := '\x'::bytea;
    v_outer bytea := '\x'::bytea;
BEGIN
    IF octet_length(v_key) < 32 THEN
        RAISE EXCEPTION 'a JWT secret of % bytes is too short: PostgREST asks for 32 at least', octet_length(v_key)
            USING ERRCODE = '22023';
    END IF;
    IF octet_length(v_key) > 64 THEN
        v_key := sha256(v_key);
    END IF;
    v_key := v_key || decode(repeat('00', 64 - octet_length(v_key)), 'hex');
    FOR i IN 0..63 LOOP
        v_inner := v_inner || decode(lpad(to_hex(get_byte(v_key, i) # 54), 2, '0'), 'hex');
        v_outer := v_outer || decode(lpad(to_hex(get_byte(v_key, i) # 92), 2, '0'), 'hex');
    END LOOP;
    INSERT INTO app_private.jwt_secret (inner_pad, outer_pad) VALUES (v_inner, v_outer)
    ON CONFLICT (id) DO UPDATE SET inner_pad = excluded.inner_pad, outer_pad = excluded.outer_pad,
                                   updated_at = now();
END
$$;

-- The claims of an HS256 JWT whose signature verifies against app_private.jwt_secret
-- (optional/signed_claims.sql switches claims_mode() to 'signed'). The HMAC is computed with the
-- built-in sha256() over the key's inner and outer pads, kept beside the secret (pgcrypto's
-- hmac() gives the same; it is not in every server's packages). exp and nbf are honoured.
-- Raises 28000 for a token that is malformed, signed otherwise, expired or not yet valid.
CREATE OR REPLACE FUNCTION app_private.verify_jwt(p_token text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_parts text[] := string_to_array(p_token, '.');
    v_inner bytea;
    v_outer bytea;
    v_claims jsonb;
    v_now numeric := extract(epoch FROM now());
BEGIN
    IF cardinality(v_parts) <> 3
       OR convert_from(app_private.base64url_decode(v_parts[1]), 'UTF8')::jsonb ->> 'alg' IS DISTINCT FROM 'HS256' THEN
        RAISE EXCEPTION 'the bearer token is not a JWT signed with HS256' USING ERRCODE = '28000';
    END IF;
    SELECT k.inner_pad, k.outer_pad INTO v_inner, v_outer FROM app_private.jwt_secret AS k;
    IF v_inner IS NULL OR app_private.base64url_encode(sha256(v_outer || sha256(
           v_inner || convert_to(v_parts[1] || '.' || v_parts[2], 'UTF8')))) <> v_parts[3] THEN
        RAISE EXCEPTION 'the bearer token''s signature does not verify' USING ERRCODE = '28000';
    END IF;
    v_claims := convert_from(app_private.base64url_decode(v_parts[2]), 'UTF8')::jsonb;
    IF (v_claims ->> 'exp')::numeric <= v_now THEN
        RAISE EXCEPTION 'the bearer token expired at %', to_timestamp((v_claims ->> 'exp')::numeric)
            USING ERRCODE = '28000';
    END IF;
    IF (v_claims ->> 'nbf')::numeric > v_now THEN
        RAISE EXCEPTION 'the bearer token is not valid before %', to_timestamp((v_claims ->> 'nbf')::numeric)
            USING ERRCODE = '28000';
    END IF;
    RETURN v_claims;
END
$$;

-- The verified claims of the token PostgREST passed in request.headers (Authorization: Bearer
-- ...); NULL without one. A definer function: only it reads the secret.
CREATE OR REPLACE FUNCTION app_private.verified_claims()
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_authorization text := nullif(current_setting('request.headers', true), '')::jsonb ->> 'authorization';
BEGIN
    IF v_authorization IS NULL OR v_authorization !~* '^bearer\s+' THEN
        RETURN NULL;
    END IF;
    RETURN app_private.verify_jwt(regexp_replace(v_authorization, '^bearer\s+', '', 'i'));
END
$$;

-- The request's claims: request.jwt.claims as PostgREST sets it (plain mode: any session can
-- set it, docs/security.md), or the verified token's (signed mode). claims_mode() is a constant
-- (migration 0008, optional/signed_claims.sql): inlined and folded, the mode costs nothing.
-- The tenant: the org_id claim. Policies call it as (SELECT app_private.request_org_id()) so
-- that it is evaluated once per statement; they run as the querying role, which therefore has
-- EXECUTE on it (but no USAGE on the schema: it cannot call it by name). A malformed claim
-- raises (22P02): isolation fails closed.
CREATE OR REPLACE FUNCTION app_private.request_org_id()
RETURNS uuid
LANGUAGE sql STABLE
RETURN (CASE app_private.claims_mode()
            WHEN 'signed' THEN app_private.verified_claims()
            ELSE nullif(current_setting('request.jwt.claims', true), '')::jsonb END ->> 'org_id')::uuid;

-- Who did it, for the audit trail: the JWT subject, else the session's login role.
CREATE OR REPLACE FUNCTION app_private.request_actor()
RETURNS text
LANGUAGE sql STABLE
RETURN coalesce(CASE app_private.claims_mode()
                    WHEN 'signed' THEN app_private.verified_claims()
                    ELSE nullif(current_setting('request.jwt.claims', true), '')::jsonb END ->> 'sub',
                session_user::text);

-- The org a caller may act on. A SECURITY DEFINER function bypasses RLS, so it asks this itself.
-- The caller is the role set by SET ROLE (PostgREST), else the login role: inside a definer
-- function current_user is the owner and says nothing about the caller.
-- Trusted callers, members of service_role and of the owning role (superusers included), may
-- act on any org: p_org_id comes back as given, NULL meaning every org. Everyone else acts on
-- the org of their claim only, which comes back; 42501 without a claim or for another org.
CREATE OR REPLACE FUNCTION app_private.authorize_org(p_org_id uuid)
RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_caller name := coalesce(nullif(current_setting('role'), 'none'), session_user);
    v_claimed uuid;
BEGIN
    IF pg_has_role(v_caller, 'service_role', 'USAGE') OR pg_has_role(v_caller, current_user, 'USAGE') THEN
        RETURN p_org_id;
    END IF;
    v_claimed := app_private.request_org_id();
    IF v_claimed IS NULL THEN
        RAISE EXCEPTION 'role % has no org_id claim in request.jwt.claims', v_caller
            USING ERRCODE = '42501';
    END IF;
    IF p_org_id <> v_claimed THEN
        RAISE EXCEPTION 'role % of org % may not act on org %', v_caller, v_claimed, p_org_id
            USING ERRCODE = '42501';
    END IF;
    RETURN v_claimed;
END
$$;

-- 22004 naming every required argument that is NULL. The caller passes them as one jsonb
-- object, jsonb_build_object('p_org_id', p_org_id, ...): one typed helper, no polymorphic
-- signature that an exact-type overload could capture.
CREATE OR REPLACE FUNCTION app_private.require_arguments(p_arguments jsonb)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_missing text;
BEGIN
    SELECT string_agg(a.key, ', ' ORDER BY a.key) INTO v_missing
    FROM jsonb_each(p_arguments) AS a
    WHERE a.value = 'null'::jsonb;
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'argument % must not be NULL', v_missing USING ERRCODE = '22004';
    END IF;
END
$$;

REVOKE ALL ON FUNCTION app_private.base64url_decode(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.base64url_encode(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.verify_jwt(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.verified_claims() FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.set_jwt_secret(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.request_org_id() FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.request_actor() FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.authorize_org(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.require_arguments(jsonb) FROM PUBLIC;
-- The tenant isolation policies call it as the querying role (and, in signed mode, it calls
-- verified_claims(), a definer function: only it reads the secret).
GRANT EXECUTE ON FUNCTION app_private.request_org_id() TO authenticated;
GRANT EXECUTE ON FUNCTION app_private.verified_claims() TO authenticated;
GRANT EXECUTE ON FUNCTION app_private.claims_mode() TO authenticated;
