-- Validates the foreign key 0005 added NOT VALID. Its scan of the audit log holds SHARE UPDATE
-- EXCLUSIVE there (writes go on) and ROW SHARE on organizations.
ALTER TABLE public.appointment_audit_log VALIDATE CONSTRAINT appointment_audit_log_org_id_fkey;
