"""[tool.schemalint]: every key validated, unknown ones refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalint.config import KNOWN_KEYS, ConfigError, load_config


def write_pyproject(root: Path, body: str) -> Path:
    path = root / "pyproject.toml"
    path.write_text(f"[project]\nname = 'demo'\n\n[tool.schemalint]\n{body}\n")
    return path


def test_no_pyproject_gives_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.source_of_truth == "django"
    assert config.dialect == "postgres"
    assert config.django == ()


def test_values_are_read(tmp_path):
    write_pyproject(
        tmp_path,
        'django = ["apps/*/models.py"]\nexclude = "legacy"\nselect = ["SL2"]\n'
        'per-file-ignores = { "*.sql" = ["SL401"] }\n'
        '[tool.schemalint.pairs]\nstocks = "stock"\n'
        '[tool.schemalint.types]\n"app.fields.Money" = "numeric(12,2)"\n',
    )
    config = load_config(tmp_path)
    assert config.django == ("apps/*/models.py",)
    assert config.exclude == ("legacy",)
    assert config.select == ("SL2",)
    assert config.per_file_ignores == (("*.sql", ("SL401",)),)
    assert config.pairs == (("stocks", "stock"),)
    assert config.types == (("app.fields.Money", "numeric(12,2)"),)


@pytest.mark.parametrize(
    "body, message",
    [
        ('sourcs = ["x"]', "unknown key 'sourcs'"),
        ("ignore_tables = ['x']", "did you mean 'ignore-tables'"),
        ('dialect = "oracle"', "'dialect' must be one of postgres, mysql, sqlite"),
        ("select = 3", "'select' must be a list of strings"),
        ('mirrors = ["alembic"]', "unknown source 'alembic'"),
        ("jobs = -1", "'jobs' must be a non-negative integer"),
        ("pairs = 1", "'pairs' must be a table of strings"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, body, message):
    path = write_pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_invalid_toml_is_a_config_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.schemalint\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path)


def test_config_change_changes_fingerprint(tmp_path):
    write_pyproject(tmp_path, 'dialect = "postgres"')
    before = load_config(tmp_path).fingerprint()
    write_pyproject(tmp_path, 'dialect = "mysql"')
    assert load_config(tmp_path).fingerprint() != before


def test_known_keys_are_documented_in_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    undocumented = [k for k in KNOWN_KEYS if f"{k} =" not in readme and f"[tool.schemalint.{k}]" not in readme]
    assert undocumented == []
