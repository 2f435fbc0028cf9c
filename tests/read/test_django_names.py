"""schemalint's copies of Django's name generators agree with Django's own code (Django is a
test dependency) on many inputs, including the long names Django shortens."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalint.read.django import names

django_utils = pytest.importorskip("django.db.backends.utils")


def django_index_name(table: str, columns: list[str], suffix: str = "") -> str:
    """Django's own BaseDatabaseSchemaEditor._create_index_name, with PostgreSQL's limit."""
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    editor = SimpleNamespace(connection=SimpleNamespace(ops=SimpleNamespace(max_name_length=lambda: 63)))
    return BaseDatabaseSchemaEditor._create_index_name(editor, table, columns, suffix)


def django_meta_index_name(table: str, columns: list[str], descending: list[bool], suffix: str = "idx") -> str:
    """Django's own Index.set_name_with_model on a stand-in model."""
    from django.db.models import Index

    fields = [("-" if d else "") + c for c, d in zip(columns, descending)]
    index = Index(fields=fields)
    index.suffix = suffix
    meta = SimpleNamespace(db_table=table, get_field=lambda name: SimpleNamespace(column=name))
    index.set_name_with_model(SimpleNamespace(_meta=meta))
    return index.name


identifier = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=70).filter(
    lambda s: s[0].isalpha()
)


@settings(max_examples=300, deadline=None)
@given(
    identifier,
    st.lists(identifier, min_size=1, max_size=3),
    st.sampled_from(["", "_like", "_uniq", "_fk_auth_user_id"]),
)
def test_create_index_name_matches_django(table, columns, suffix):
    assert names.create_index_name(table, columns, suffix) == django_index_name(table, columns, suffix)


@settings(max_examples=300, deadline=None)
@given(
    identifier, st.lists(st.tuples(identifier, st.booleans()), min_size=1, max_size=3), st.sampled_from(["idx", "gin"])
)
def test_meta_index_name_matches_django(table, parts, suffix):
    columns = [c for c, _ in parts]
    descending = [d for _, d in parts]
    assert names.meta_index_name(table, columns, descending, suffix) == django_meta_index_name(
        table, columns, descending, suffix
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=100))
def test_truncate_name_matches_django(identifier_text):
    assert names.truncate_name(identifier_text) == django_utils.truncate_name(identifier_text, 63)


def test_names_digest_matches_django():
    assert names.names_digest("shop_stock", "symbol", length=8) == django_utils.names_digest(
        "shop_stock", "symbol", length=8
    )
