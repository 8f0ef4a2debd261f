"""Role names that differ between deployments, written as placeholders in expectations.

`${deployer}` is the role that deployed the schema: the one that applied the latest migration
(pgsuite's ledger records it), else the role verify connects as. It owns what the deploy
created, so expectations say `owner: ${deployer}` instead of `postgres`, and hold for a
superuser of any name and for a managed service's non-superuser owner alike.
"""

DEPLOYER = "${deployer}"
ROLE_FIELDS = {"owner", "roles", "execute"}  # attributes whose values are role names
ROLE_KEYED = {"grants"}  # attributes keyed by role name


def bind(document, deployer: str):
    """A copy of an expectations document with the placeholders replaced by role names."""
    return _walk(document, lambda role: deployer if role == DEPLOYER else role)


def unbind(document, deployer: str):
    """A copy of a live document with the deployer's name written as the placeholder."""
    return _walk(document, lambda role: DEPLOYER if role == deployer else role)


def _walk(value, rename, field: str | None = None):
    if isinstance(value, dict):
        if field in ROLE_KEYED:
            return {rename(role): _walk(v, rename) for role, v in value.items()}
        return {k: _walk(v, rename, k) for k, v in value.items()}
    if field in ROLE_FIELDS:
        return [rename(v) for v in value] if isinstance(value, list) else rename(value)
    if isinstance(value, list):
        return [_walk(v, rename) for v in value]
    return value
