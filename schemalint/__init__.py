"""schemalint: keep Django models, SQLAlchemy models and schema.sql in sync, statically."""

__version__ = "0.1.0"
