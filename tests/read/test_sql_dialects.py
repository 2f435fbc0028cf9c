"""`dialect = "mysql"` and `"sqlite"`: the same reader, with each database's own type spellings
(MySQL's information_schema COLUMN_TYPE, SQLite's declared type as written) and defaults."""

from __future__ import annotations

import textwrap

import pytest

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.model import Schema


def read(tmp_path, sql: str, dialect: str) -> Schema:
    path = tmp_path / "schema.sql"
    path.write_text(textwrap.dedent(sql).lstrip("\n"))
    return read_schema("sql", [path], Config(root=tmp_path, dialect=dialect))


MYSQL = """
    -- MySQL dump style
    # hash comments too
    CREATE TABLE IF NOT EXISTS `stocks` (
      `id` INT(11) NOT NULL AUTO_INCREMENT,
      `symbol` VARCHAR(10) NOT NULL,
      `price` DECIMAL(10,2) DEFAULT '0.00',
      `volume` INTEGER,
      `amount` NUMERIC(12, 4),
      `plain_decimal` DECIMAL,
      `active` BOOLEAN NOT NULL DEFAULT TRUE,
      `flag` TINYINT(1),
      `created_at` DATETIME DEFAULT CURRENT_TIMESTAMP,
      `precise_at` DATETIME(6),
      `stamp` TIMESTAMP NULL,
      `big` BIGINT UNSIGNED,
      `note` TEXT,
      `body` MEDIUMTEXT,
      `kind` ENUM('a','b') DEFAULT 'a',
      `ratio` DOUBLE,
      `score` FLOAT,
      `born` DATE,
      `doc` JSON,
      `code` CHAR(3),
      PRIMARY KEY (`id`),
      UNIQUE KEY `uq_symbol` (`symbol`),
      KEY `idx_created` (`created_at`)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
    ALTER TABLE stocks ADD COLUMN market_cap BIGINT NULL;
    CREATE INDEX idx_cap ON stocks (market_cap);
"""


@pytest.mark.parametrize(
    "column, type_",
    [
        ("id", "int"),
        ("symbol", "varchar(10)"),
        ("price", "decimal(10,2)"),
        ("volume", "int"),
        ("amount", "decimal(12,4)"),
        ("plain_decimal", "decimal(10,0)"),
        ("active", "tinyint(1)"),
        ("flag", "tinyint(1)"),
        ("created_at", "datetime"),
        ("precise_at", "datetime(6)"),
        ("stamp", "timestamp"),
        ("big", "bigint unsigned"),
        ("note", "text"),
        ("body", "mediumtext"),
        ("kind", "enum('a','b')"),
        ("ratio", "double"),
        ("score", "float"),
        ("born", "date"),
        ("doc", "json"),
        ("code", "char(3)"),
        ("market_cap", "bigint"),
    ],
)
def test_mysql_column_types(tmp_path, column, type_):
    assert read(tmp_path, MYSQL, "mysql").table("stocks").column(column).type == type_


def test_mysql_defaults_keys_and_indexes(tmp_path):
    schema = read(tmp_path, MYSQL, "mysql")
    stocks = schema.table("stocks")
    defaults = {c.name: c.default for c in stocks.columns if c.default is not None}
    assert defaults == {"price": "0.00", "active": "1", "created_at": "CURRENT_TIMESTAMP", "kind": "a"}
    assert stocks.primary_key.columns == ("id",)
    assert not stocks.column("id").nullable
    assert [(c.name, c.columns) for c in stocks.constraints] == [("uq_symbol", ("symbol",))]
    assert [(i.name, i.columns) for i in stocks.indexes] == [
        ("idx_created", ("created_at",)),
        ("idx_cap", ("market_cap",)),
    ]
    assert schema.diagnostics == ()
    assert dict(schema.properties)["dialect"] == "mysql"


SQLITE = """
    CREATE TABLE IF NOT EXISTS stocks (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      symbol VARCHAR(10) NOT NULL UNIQUE,
      price DECIMAL(10, 2) DEFAULT 0,
      active BOOLEAN NOT NULL DEFAULT 1,
      created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
      note TEXT,
      data BLOB,
      ratio REAL,
      label NVARCHAR(40) COLLATE NOCASE,
      untyped,
      stock_id INTEGER REFERENCES stocks (id) ON DELETE CASCADE
    );
    CREATE INDEX IF NOT EXISTS idx_symbol ON stocks (symbol);
    ALTER TABLE stocks ADD COLUMN market_cap BIGINT;
    CREATE TRIGGER touch AFTER UPDATE ON stocks BEGIN UPDATE stocks SET note = 'x; y'; END;
    CREATE TABLE after_trigger (id INTEGER);
"""


@pytest.mark.parametrize(
    "column, type_",
    [
        ("id", "integer"),
        ("symbol", "varchar(10)"),
        ("price", "decimal(10,2)"),
        ("active", "boolean"),
        ("created_at", "datetime"),
        ("note", "text"),
        ("data", "blob"),
        ("ratio", "real"),
        ("label", "nvarchar(40)"),
        ("stock_id", "integer"),
        ("market_cap", "bigint"),
    ],
)
def test_sqlite_declared_types_as_written(tmp_path, column, type_):
    assert read(tmp_path, SQLITE, "sqlite").table("stocks").column(column).type == type_


def test_sqlite_defaults_keys_and_trigger_body(tmp_path):
    schema = read(tmp_path, SQLITE, "sqlite")
    stocks = schema.table("stocks")
    defaults = {c.name: c.default for c in stocks.columns if c.default is not None}
    assert defaults == {"price": "0", "active": "1", "created_at": "CURRENT_TIMESTAMP"}
    assert [fk.on_delete for fk in stocks.foreign_keys] == ["CASCADE"]
    assert [i.name for i in stocks.indexes] == ["idx_symbol"]
    assert schema.table("after_trigger") is not None
    assert schema.diagnostics == ()
