"""The collector while syncs run: its threshold raised and the objects of earlier sources frozen, both undone after
the last sync."""

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
    gc.unfreeze()


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


def test_what_exists_when_a_source_is_processed_is_frozen_until_the_last_sync_ends() -> None:
    _fewer_collections.settle()  # outside a sync: nothing
    assert gc.get_freeze_count() == 0
    with _fewer_collections:
        _fewer_collections.settle()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with _fewer_collections:
            held = [[] for _ in range(1_000)]  # tracked by the collector, made after the freeze: not frozen yet
            assert gc.get_freeze_count() == frozen
            _fewer_collections.settle()
            assert gc.get_freeze_count() >= frozen + len(held)
        assert gc.get_freeze_count() > 0  # the outer sync still runs
    assert gc.get_freeze_count() == 0


def test_a_failing_sync_unfreezes_too() -> None:
    with pytest.raises(RuntimeError), _fewer_collections:
        _fewer_collections.settle()
        raise RuntimeError("boom")
    assert gc.get_freeze_count() == 0


def test_objects_frozen_by_someone_else_are_left_as_they_are() -> None:
    gc.freeze()
    theirs = gc.get_freeze_count()
    with _fewer_collections:
        _fewer_collections.settle()
        assert gc.get_freeze_count() == theirs
    assert gc.get_freeze_count() == theirs
