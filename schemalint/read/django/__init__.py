"""The Django reader: `models.py` files -> the schema Django's migrations create on PostgreSQL.

Read statically with libcst (Django and the project are never imported). `extract` keeps one
file's classes, imports and constants as plain facts; `link` resolves them across files
(inheritance, relations, settings, app labels) into tables named exactly as Django names them.
"""

from __future__ import annotations

from schemalint.read.versions import READER_VERSIONS


class _DjangoReader:
    source = "django"
    version = READER_VERSIONS["django"]

    def extract(self, file, settings):
        from schemalint.read.django.extract import extract

        return extract(file, settings)

    def link(self, facts, project):
        from schemalint.read.django.link import link

        return link(list(facts), project)


READER = _DjangoReader()
