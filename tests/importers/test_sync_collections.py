"""The collector's threshold while syncs run: raised, and restored after the last one."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from importers.sync import _GC_THRESHOLD, _fewer_collections


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_overlapping_syncs_raise_the_threshold_and_the_last_one_restores_it() -> None:
    with _fewer_collections:
        assert gc.get_threshold() == (_GC_THRESHOLD, 10, 10)
        with _fewer_collections:
            assert gc.get_threshold() == (_GC_THRESHOLD, 10, 10)
        assert gc.get_threshold() == (_GC_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_threshold_set_meanwhile_or_a_collector_turned_off_is_left_alone() -> None:
    with _fewer_collections:
        gc.set_threshold(1_000, 10, 10)
    assert gc.get_threshold() == (1_000, 10, 10)
    gc.set_threshold(0, 10, 10)
    with _fewer_collections:
        assert gc.get_threshold() == (0, 10, 10)
    assert gc.get_threshold() == (0, 10, 10)


def test_a_failing_sync_restores_it_too() -> None:
    with pytest.raises(RuntimeError), _fewer_collections:
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)
