"""What the cache unpickles during a run is frozen out of the cyclic collector's sight
(`cache.loads` within `freezing_loads`, opened by `engine.tuned_gc`), and the process is left
as it was after the run."""

from __future__ import annotations

import gc

from schemalint.cache import dumps, freezing_loads, loads
from schemalint.engine import tuned_gc
from schemalint.model import Column, Table


def test_loads_freeze_what_they_build_only_within_a_run():
    blob = dumps(tuple(Table(f"t{i}", columns=(Column("id", "integer"),)) for i in range(50)))
    gc.unfreeze()
    value = loads(blob)
    assert gc.get_freeze_count() == 0 and gc.is_tracked(value)
    with tuned_gc():
        frozen_before = gc.get_freeze_count()
        again = loads(blob)
        assert again == value
        assert gc.get_freeze_count() >= frozen_before + len(again)
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_failing_load_leaves_the_collector_on():
    with freezing_loads():
        try:
            loads(b"not a pickle")
        except Exception:
            pass
        assert gc.isenabled()
    gc.unfreeze()
