-- The private schema, business limits only the owner can change, and an append-only audit log.
--
-- app_private holds the API's internal helpers (sql/) and settings. No API role may use it
-- (no USAGE) or create in it: PostgREST exposes only the documented functions of `public`,
-- and no caller can plant an object where the SECURITY DEFINER functions look.
CREATE SCHEMA app_private;

REVOKE ALL ON SCHEMA app_private FROM PUBLIC;

-- Business limits, one row. Only the owner can change them (the API roles cannot reach this
-- schema); a custom setting would let any session lift a limit with SET.
CREATE TABLE app_private.booking_settings (
    id                    boolean     NOT NULL DEFAULT true,
    max_booking_duration  interval    NOT NULL DEFAULT interval '24 hours',
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT booking_settings_pkey PRIMARY KEY (id),
    CONSTRAINT booking_settings_single_row_check CHECK (id),
    CONSTRAINT booking_settings_max_booking_duration_check CHECK (max_booking_duration > interval '0')
);

INSERT INTO app_private.booking_settings DEFAULT VALUES;

-- What app_private.purge_organization() removed, kept after the organization is gone: the
-- only way audit history leaves the database is recorded here.
CREATE TABLE app_private.organization_purges (
    id             bigint      GENERATED ALWAYS AS IDENTITY,
    purged_org_id  uuid        NOT NULL,
    org_name       text        NOT NULL,
    reason         text        NOT NULL CHECK (btrim(reason) <> ''),
    purged_by      text        NOT NULL,
    purged_at      timestamptz NOT NULL DEFAULT now(),
    deleted_rows   jsonb       NOT NULL,
    CONSTRAINT organization_purges_pkey PRIMARY KEY (id)
);

-- Deleting an organization no longer cascades its audit history away: it is refused while
-- the organization has audit rows (purge through app_private.purge_organization instead).
-- NOT VALID here, validated by 0006 in its own transaction: the validating scan then holds
-- only SHARE UPDATE EXCLUSIVE on the audit log, so bookings keep writing meanwhile.
ALTER TABLE public.appointment_audit_log DROP CONSTRAINT appointment_audit_log_org_id_fkey;

ALTER TABLE public.appointment_audit_log
    ADD CONSTRAINT appointment_audit_log_org_id_fkey FOREIGN KEY (org_id)
    REFERENCES public.organizations (id) ON DELETE RESTRICT NOT VALID;
