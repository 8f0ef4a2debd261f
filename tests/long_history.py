"""A long migration history of the shape real applications accumulate, written for golang-migrate
(`NNNNNN_title.up.sql` / `.down.sql`): tables made, then widened, indexed (some concurrently),
constrained the online way (NOT VALID, then VALIDATE), given views, triggers, enums, renamed and
dropped columns, and backfilled by data migrations that have no way back. Seeded: the same
history every run. What `migrate import`, the gate and `lint` are measured on (issue 22)."""

import random
from pathlib import Path

TABLES = ["accounts", "users", "teams", "memberships", "projects", "tasks", "comments", "labels", "task_labels",
          "attachments", "invoices", "invoice_lines", "payments", "plans", "subscriptions", "events", "webhooks",
          "api_keys", "audit_entries", "notifications", "settings", "sessions", "invites", "reports", "exports",
          "imports", "tags", "notes", "reminders", "integrations"]


class History:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.tables: dict[str, dict[str, str]] = {}  # table -> column -> type
        self.indexes: list[tuple[str, str]] = []  # (index, table)
        self.pending_checks: list[tuple[str, str]] = []  # (table, constraint) added NOT VALID
        self.enums: dict[str, list[str]] = {}
        self.serial = 0

    def name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}_{self.serial}"

    def step(self) -> tuple[str, str, str | None]:
        """(title, up, down or None) of the next migration."""
        unmade = [t for t in TABLES if t not in self.tables]
        if not self.tables or (unmade and self.random.random() < 0.15):
            return self.create_table(unmade[0])
        kinds = ["add_column"] * 5 + ["index"] * 3 + ["index_concurrently"] * 2 + ["foreign_key"] * 2 + \
                ["widen"] * 2 + ["check"] * 2 + ["view", "trigger", "backfill", "backfill", "rename", "drop_column",
                                                  "enum", "drop_index", "default"]
        if self.pending_checks:
            kinds += ["validate"] * 4
        return getattr(self, self.random.choice(kinds))()

    def table(self) -> str:
        return self.random.choice(sorted(self.tables))

    def create_table(self, table: str):
        length = self.random.choice([64, 100, 120, 255])
        self.tables[table] = {"id": "bigint", "name": f"varchar({length})", "created_at": "timestamptz"}
        up = (f"CREATE TABLE IF NOT EXISTS {table} (\n    id bigserial PRIMARY KEY,\n    name varchar({length}) NOT NULL,\n"
              f"    created_at timestamptz NOT NULL DEFAULT now()\n);\n")
        return f"create_{table}", up, f"DROP TABLE IF EXISTS {table};\n"

    def add_column(self):
        table = self.table()
        column = self.name(self.random.choice(["status", "note", "score", "flag", "amount", "code"]))
        kind = self.random.choice(["text", "integer", "boolean NOT NULL DEFAULT false", "numeric(12,2)",
                                   "varchar(40)", "jsonb NOT NULL DEFAULT '{}'", "timestamptz"])
        self.tables[table][column] = kind.split()[0]
        return (f"add_{column}_to_{table}", f"ALTER TABLE {table} ADD COLUMN {column} {kind};\n",
                f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column};\n")

    def _column(self, table: str, types=None) -> str | None:
        columns = [c for c, t in self.tables[table].items() if c != "id" and (types is None or t in types)]
        return self.random.choice(columns) if columns else None

    def index(self, concurrently: bool = False):
        table = self.table()
        column = self._column(table, {"text", "integer", "varchar(40)", "timestamptz", "bigint", "boolean"}) or "created_at"
        index = self.name(f"{table}_{column}_idx")
        self.indexes.append((index, table))
        if concurrently:
            return (f"index_{table}_{column}_concurrently",
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index} ON {table} ({column});\n",
                    f"DROP INDEX CONCURRENTLY IF EXISTS {index};\n")
        return f"index_{table}_{column}", f"CREATE INDEX {index} ON {table} ({column});\n", f"DROP INDEX {index};\n"

    def index_concurrently(self):
        return self.index(concurrently=True)

    def foreign_key(self):
        if len(self.tables) < 2:
            return self.add_column()
        child, parent = self.random.sample(sorted(self.tables), 2)
        column = self.name(f"{parent.rstrip('s')}_id")
        constraint = f"{child}_{column}_fkey"
        self.tables[child][column] = "bigint"
        self.pending_checks.append((child, constraint))
        return (f"link_{child}_to_{parent}",
                f"ALTER TABLE {child} ADD COLUMN {column} bigint;\n"
                f"ALTER TABLE {child} ADD CONSTRAINT {constraint} FOREIGN KEY ({column}) REFERENCES {parent} (id) NOT VALID;\n",
                f"ALTER TABLE {child} DROP COLUMN {column};\n")

    def check(self):
        table = self.table()
        column = self._column(table, {"integer", "numeric(12,2)"})
        if column is None:
            return self.add_column()
        constraint = self.name(f"{table}_{column}_check")
        self.pending_checks.append((table, constraint))
        return (f"check_{table}_{column}",
                f"ALTER TABLE {table} ADD CONSTRAINT {constraint} CHECK ({column} >= 0) NOT VALID;\n",
                f"ALTER TABLE {table} DROP CONSTRAINT {constraint};\n")

    def validate(self):
        table, constraint = self.pending_checks.pop(0)
        return (f"validate_{constraint}", f"ALTER TABLE {table} VALIDATE CONSTRAINT {constraint};\n",
                "SELECT 1;  -- a validated constraint stays valid: nothing to undo\n")

    def widen(self):
        table = self.table()
        column = self._column(table, {"varchar(64)", "varchar(100)", "varchar(120)", "varchar(40)"})
        if column is None:
            return self.add_column()
        old = self.tables[table][column]
        new = "text" if self.random.random() < 0.3 else "varchar(500)"
        self.tables[table][column] = new
        return (f"widen_{table}_{column}", f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {new};\n",
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {old};\n")

    def view(self):
        table = self.table()
        view = self.name(f"{table}_recent")
        return (f"view_{view}", f"CREATE OR REPLACE VIEW {view} AS\nSELECT id, created_at FROM {table}\n"
                f"WHERE created_at > now() - interval '30 days';\n", f"DROP VIEW IF EXISTS {view};\n")

    def trigger(self):
        table = self.table()
        if "updated_at" in self.tables[table]:
            return self.add_column()
        self.tables[table]["updated_at"] = "timestamptz"
        function = f"{table}_touch"
        return (f"touch_{table}",
                f"ALTER TABLE {table} ADD COLUMN updated_at timestamptz;\n"
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND\n$$;\n"
                f"CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();\n",
                f"DROP TRIGGER {table}_touch ON {table};\nDROP FUNCTION {function}();\n"
                f"ALTER TABLE {table} DROP COLUMN updated_at;\n")

    def backfill(self):
        table = self.table()
        column = self._column(table, {"text", "varchar(40)"})
        if column is None:
            return self.add_column()
        return (f"backfill_{table}_{column}",
                f"UPDATE {table} SET {column} = 'unknown' WHERE {column} IS NULL;\n", None)  # data: no way back

    def rename(self):
        table = self.table()
        column = self._column(table, {"text", "integer", "varchar(40)", "numeric(12,2)"})
        if column is None or not column.startswith(("note", "code")):
            return self.add_column()
        new = self.name(column.split("_")[0] + "_renamed")
        self.tables[table][new] = self.tables[table].pop(column)
        return (f"rename_{table}_{column}", f"ALTER TABLE {table} RENAME COLUMN {column} TO {new};\n",
                f"ALTER TABLE {table} RENAME COLUMN {new} TO {column};\n")

    def drop_column(self):
        table = self.table()
        column = self._column(table, {"boolean", "jsonb"})
        if column is None:
            return self.add_column()
        kind = self.tables[table].pop(column)
        return (f"drop_{column}_from_{table}", f"ALTER TABLE {table} DROP COLUMN {column};\n",
                f"ALTER TABLE {table} ADD COLUMN {column} {kind};\n")

    def enum(self):
        if self.enums and self.random.random() < 0.6:
            name = self.random.choice(sorted(self.enums))
            value = self.name("state")
            self.enums[name].append(value)
            return f"add_{value}_to_{name}", f"ALTER TYPE {name} ADD VALUE IF NOT EXISTS '{value}';\n", None
        name = self.name("kind")
        self.enums[name] = ["a", "b"]
        return f"create_type_{name}", f"CREATE TYPE {name} AS ENUM ('a', 'b');\n", f"DROP TYPE {name};\n"

    def drop_index(self):
        if not self.indexes:
            return self.index()
        index, _ = self.indexes.pop(self.random.randrange(len(self.indexes)))
        return f"drop_{index}", f"DROP INDEX CONCURRENTLY IF EXISTS {index};\n", None

    def default(self):
        table = self.table()
        column = self._column(table, {"integer"})
        if column is None:
            return self.add_column()
        return (f"default_{table}_{column}", f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT 0;\n",
                f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT;\n")


def write(folder: Path, count: int = 240, seed: int = 22) -> Path:
    """`count` migrations in `folder`, as golang-migrate files."""
    folder.mkdir(parents=True, exist_ok=True)
    history = History(seed)
    for number in range(1, count + 1):
        title, up, down = history.step()
        stem = f"{number:06d}_{title}"
        (folder / f"{stem}.up.sql").write_text(up, encoding="utf-8")
        if down is not None:
            (folder / f"{stem}.down.sql").write_text(down, encoding="utf-8")
    return folder
