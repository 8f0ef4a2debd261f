-- The appointment audit log is append-only, for every role, the owner included.
-- No API role may UPDATE, DELETE or TRUNCATE it (no privilege), and this trigger refuses
-- them to everyone else. Deleting an organization that has audit history is refused too (its
-- foreign key is ON DELETE RESTRICT, migration 0005). History leaves the database in one way
-- only: app_private.purge_organization(), which records what it removed and why.

-- 55000 for any UPDATE, DELETE or TRUNCATE of the audit log, except the DELETE of an
-- organization's rows in the transaction that wrote its purge record: history never leaves
-- without the record of who removed it, when and why (a setting, which any session can set,
-- was the exemption before).
CREATE OR REPLACE FUNCTION app_private.refuse_audit_log_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM app_private.organization_purges AS p
        WHERE p.purged_org_id = OLD.org_id AND p.purge_xact = pg_catalog.pg_current_xact_id()) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'appointment_audit_log is append-only: % refused', TG_OP
        USING ERRCODE = '55000',
              HINT = 'an organization''s history is removed only by app_private.purge_organization(org_id, reason)';
END
$$;

DROP TRIGGER IF EXISTS appointment_audit_log_append_only ON public.appointment_audit_log;
CREATE TRIGGER appointment_audit_log_append_only
    BEFORE UPDATE OR DELETE ON public.appointment_audit_log
    FOR EACH ROW EXECUTE FUNCTION app_private.refuse_audit_log_change();

DROP TRIGGER IF EXISTS appointment_audit_log_no_truncate ON public.appointment_audit_log;
CREATE TRIGGER appointment_audit_log_no_truncate
    BEFORE TRUNCATE ON public.appointment_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION app_private.refuse_audit_log_change();

-- Deletes an organization with everything it owns, its audit history included, and records
-- the purge (who, when, why, how many rows per table) in app_private.organization_purges.
-- The owner's tool, not the API's: no role is granted it. Returns the purge record.
-- Raises 22004 NULL argument, 22023 empty reason, P0002 unknown organization.
CREATE OR REPLACE FUNCTION app_private.purge_organization(p_org_id uuid, p_reason text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text;
    v_counts jsonb;
    v_record jsonb;
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object('p_org_id', p_org_id, 'p_reason', p_reason));
    IF btrim(p_reason) = '' THEN
        RAISE EXCEPTION 'argument p_reason must not be empty' USING ERRCODE = '22023';
    END IF;
    SELECT name INTO v_name FROM public.organizations WHERE id = p_org_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown org_id %', p_org_id USING ERRCODE = 'P0002';
    END IF;
    v_counts := jsonb_build_object(
        'appointment_audit_log', (SELECT count(*) FROM public.appointment_audit_log WHERE org_id = p_org_id),
        'appointments', (SELECT count(*) FROM public.appointments WHERE org_id = p_org_id),
        'customers', (SELECT count(*) FROM public.customers WHERE org_id = p_org_id),
        'services', (SELECT count(*) FROM public.services WHERE org_id = p_org_id),
        'staff_members', (SELECT count(*) FROM public.staff_members WHERE org_id = p_org_id),
        'webhook_delivery_log', (SELECT count(*) FROM public.webhook_delivery_log WHERE org_id = p_org_id));
    -- the record first: it is what lets the audit log's rows of this org go, in this transaction
    INSERT INTO app_private.organization_purges (purged_org_id, org_name, reason, purged_by, deleted_rows, purge_xact)
    VALUES (p_org_id, v_name, p_reason, app_private.request_actor(), v_counts, pg_current_xact_id())
    RETURNING to_jsonb(organization_purges.*) - 'purge_xact' INTO v_record;
    DELETE FROM public.appointment_audit_log WHERE org_id = p_org_id;
    DELETE FROM public.organizations WHERE id = p_org_id;  -- cascades to the tenant's other tables
    RETURN v_record;
END
$$;

REVOKE ALL ON FUNCTION app_private.refuse_audit_log_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.purge_organization(uuid, text) FROM PUBLIC;
