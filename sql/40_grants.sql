-- Table privileges. Start from nothing, then grant what each role needs:
-- authenticated reads (RLS narrows it to its org); service_role reads and writes the
-- operational tables; the audit log is append-only through the booking functions, so
-- nobody but its owner writes it. anon gets nothing.
REVOKE ALL ON public.organizations, public.staff_members, public.customers, public.services,
              public.appointments, public.appointment_audit_log, public.webhook_delivery_log
    FROM PUBLIC, anon, authenticated, service_role;

GRANT USAGE ON SCHEMA public TO authenticated, service_role;

GRANT SELECT ON public.organizations, public.staff_members, public.customers, public.services,
                public.appointments, public.appointment_audit_log, public.webhook_delivery_log
    TO authenticated;

GRANT SELECT, INSERT, UPDATE, DELETE
    ON public.organizations, public.staff_members, public.customers, public.services,
       public.appointments, public.webhook_delivery_log
    TO service_role;

GRANT SELECT ON public.appointment_audit_log TO service_role;
