"""Flask-SQLAlchemy model modules for tests/differential/test_flask_differential.py: read
statically by schemalint, imported and built with real Flask-SQLAlchemy by the test."""
