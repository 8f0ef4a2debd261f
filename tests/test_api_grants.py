"""Every function granted to an API role works when that role calls it, with its claim, as
PostgREST would call it (a non-superuser login, SET ROLE), whoever owns the schema."""

import pytest
from api_calls import CALLS, GRANTED_FUNCTIONS, PAIRS, Context, call_as
from helpers import query
from tenants import make_world


def test_the_call_table_covers_exactly_the_granted_functions(owned_db):
    _, dsn = owned_db
    granted = {function: grantees for function, grantees in query(dsn, GRANTED_FUNCTIONS)}
    assert granted == {function: sorted(roles) for function, (roles, _) in CALLS.items()}


@pytest.mark.parametrize("function,role", PAIRS, ids=[f"{f.split('(')[0]}-{r}" for f, r in PAIRS])
def test_each_grantee_can_call_what_it_was_granted(owned_db, function, role):
    _, dsn = owned_db
    call_as(Context(make_world(dsn)), function, role)
