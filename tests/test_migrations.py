"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from factcheck import create_app
from factcheck.extensions import db
from factcheck.models import Base


def test_migrations_upgrade_a_fresh_database_to_the_models(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "include_name": lambda name, type_, _: not (type_ == "table" and name.startswith("claim_fts"))})
            diff = compare_metadata(context, Base.metadata)
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").scalars().all()
    assert diff == []
    assert mode == "wal"
    assert triggers == ["claim_fts_delete", "claim_fts_insert", "claim_fts_update"]
