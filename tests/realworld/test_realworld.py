"""Real-world differential corpus: public Django apps and SQLAlchemy packages, pinned, read by
`schemalint dump` as a user would and compared fact by fact with what real Django (`migrate`)
and SQLAlchemy (`create_all`) build in PostgreSQL (see harness.py).

The test ratchets: each package must agree on at least its floor (today's measurement), and
every difference must be explained by an SL002 at its table or column -- except the ones in
known_uncovered.json, today's list, which the readers work down (target: >= 98% per package,
no uncovered difference). After a reader improvement, regenerate the numbers with
`python -m tests.realworld.report --update` and raise the floors below.

Selected only when SCHEMALINT_REALWORLD=1 or CI is set (tests/conftest.py): building the
virtualenv takes minutes the first time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.realworld.harness import Measurement, measure_django, measure_sqlalchemy
from tests.realworld.packages import DJANGO, SQLALCHEMY, DjangoPackage, SQLAlchemyPackage
from tests.realworld.report import cause

pytestmark = [pytest.mark.realworld, pytest.mark.postgres, pytest.mark.slow]

KNOWN_UNCOVERED: dict[str, list[str]] = json.loads((Path(__file__).parent / "known_uncovered.json").read_text())

# package -> the lowest agreement it may fall to, in percent of compared facts (today's numbers).
FLOORS: dict[str, float] = {
    "wagtail": 100.0,
    "django-oscar": 100.0,
    "django-filer": 100.0,
    "djangorestframework": 100.0,
    "django-waffle": 100.0,
    "django-constance": 100.0,
    "django-silk": 100.0,
    "django-post-office": 100.0,
    "django-two-factor-auth": 100.0,
    "django-q2": 100.0,
    "django-cities-light": 100.0,
    "django-activity-stream": 100.0,
    "django-invitations": 100.0,
    "django-mptt": 100.0,
    "django-treebeard": 100.0,
    "django-polymorphic": 100.0,
    "django-simple-history": 100.0,
    "django-model-utils": 100.0,
    "apscheduler": 0.0,
    "authlib": 100.0,
    "flask-dance": 100.0,
    "fastapi-users-db-sqlalchemy": 100.0,
    "advanced-alchemy": 100.0,
    "flask-security-too": 100.0,
    "mlflow-skinny": 99.8,
    "prefect": 99.8,
}


def _check(measurement: Measurement) -> None:
    a = measurement.agreement
    print(
        f"\n{measurement.package}: {a.agreeing}/{a.compared} facts agree ({measurement.percent}%), "
        f"{measurement.sl002} SL002, {len(a.differences)} differences, {len(measurement.uncovered)} uncovered"
    )
    for difference in measurement.uncovered:
        print(f"  uncovered: {difference}")
    assert measurement.tables > 0, "the oracle built no table: the corpus entry measures nothing"
    new = [d for d in measurement.uncovered if d not in KNOWN_UNCOVERED.get(measurement.package, [])]
    assert not new, "differences no SL002 explains:\n" + "\n".join(f"  {d}   [{cause(d)}]" for d in new)
    assert measurement.percent >= FLOORS[measurement.package], (
        f"{measurement.package} got worse: {measurement.percent}% < floor {FLOORS[measurement.package]}%\n{a}"
    )
    # `schemalint export` of the same files, run where the library ran, builds what dump says.
    assert not measurement.export_uncovered, "the export differs from the dump:\n" + "\n".join(
        measurement.export_uncovered
    )


@pytest.mark.parametrize("package", DJANGO, ids=[p.id for p in DJANGO])
def test_django_package(package: DjangoPackage, realworld_venv, pg, tmp_path):
    _check(measure_django(package, realworld_venv, pg, tmp_path))


@pytest.mark.parametrize("package", SQLALCHEMY, ids=[p.id for p in SQLALCHEMY])
def test_sqlalchemy_package(package: SQLAlchemyPackage, realworld_venv, pg, tmp_path):
    _check(measure_sqlalchemy(package, realworld_venv, pg, tmp_path))


def test_every_package_has_a_floor():
    assert sorted(FLOORS) == sorted(p.id for p in [*DJANGO, *SQLALCHEMY])
