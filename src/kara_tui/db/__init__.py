"""Storage: SQLAlchemy rows, the engine with its pragmas, and Alembic migrations."""
