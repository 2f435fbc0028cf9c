"""PostgreSQL's behaviour, written once: what the readers, `export` and `--fix` need to know
about how PostgreSQL names, spells and prints things."""
