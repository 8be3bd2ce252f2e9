"""Storage: SQLAlchemy 2 tables, column types and Alembic migrations."""
