-- Row-level security policies (RLS itself is enabled and forced by the migrations).
-- authenticated: its own org only, read-only; its writes go through the SECURITY DEFINER
-- functions, which check the org themselves (it has no INSERT/UPDATE/DELETE privilege).
-- service_role: everything. anon: no policy and no privilege, so nothing.
-- The claim is read as (SELECT public.request_org_id()): an initplan, once per statement.

DROP POLICY IF EXISTS organizations_org_isolation ON public.organizations;
CREATE POLICY organizations_org_isolation ON public.organizations
    FOR SELECT TO authenticated USING (id = (SELECT public.request_org_id()));
DROP POLICY IF EXISTS organizations_service_role_bypass ON public.organizations;
CREATE POLICY organizations_service_role_bypass ON public.organizations
    FOR ALL TO service_role USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS staff_members_org_isolation ON public.staff_members;
CREATE POLICY staff_members_org_isolation ON public.staff_members
    FOR SELECT TO authenticated USING (org_id = (SELECT public.request_org_id()));
DROP POLICY IF EXISTS staff_members_service_role_bypass ON public.staff_members;
CREATE POLICY staff_members_service_role_bypass ON public.staff_members
    FOR ALL TO service_role USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS customers_org_isolation ON public.customers;
CREATE POLICY customers_org_isolation ON public.customers
    FOR SELECT TO authenticated USING (org_id = (SELECT public.request_org_id()));
DROP POLICY IF EXISTS customers_service_role_bypass ON public.customers;
CREATE POLICY customers_service_role_bypass ON public.customers
    FOR ALL TO service_role USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS services_org_isolation ON public.services;
CREATE POLICY services_org_isolation ON public.services
    FOR SELECT TO authenticated USING (org_id = (SELECT public.request_org_id()));
DROP POLICY IF EXISTS services_service_role_bypass ON public.services;
CREATE POLICY services_service_role_bypass ON public.services
    FOR ALL TO service_role USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS appointments_org_isolation ON public.appointments;
CREATE POLICY appointments_org_isolation ON public.appointments
    FOR SELECT TO authenticated USING (org_id = (SELECT public.request_org_id()));
DROP POLICY IF EXISTS appointments_service_role_bypass ON public.appointments;
CREATE POLICY appointments_service_role_bypass ON public.appointments
    FOR ALL TO service_role USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS appointment_audit_log_org_isolation ON public.appointment_audit_log;
CREATE POLICY appointment_audit_log_org_isolation ON public.appointment_audit_log
    FOR SELECT TO authenticated USING (org_id = (SELECT public.request_org_id()));
DROP POLICY IF EXISTS appointment_audit_log_service_role_bypass ON public.appointment_audit_log;
CREATE POLICY appointment_audit_log_service_role_bypass ON public.appointment_audit_log
    FOR ALL TO service_role USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS webhook_delivery_log_org_isolation ON public.webhook_delivery_log;
CREATE POLICY webhook_delivery_log_org_isolation ON public.webhook_delivery_log
    FOR SELECT TO authenticated USING (org_id = (SELECT public.request_org_id()));
DROP POLICY IF EXISTS webhook_delivery_log_service_role_bypass ON public.webhook_delivery_log;
CREATE POLICY webhook_delivery_log_service_role_bypass ON public.webhook_delivery_log
    FOR ALL TO service_role USING (true) WITH CHECK (true);
