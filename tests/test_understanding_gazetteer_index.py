"""The packaged index of the gazetteer (communes.idx) says what the data file says (issue 12)."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from handlers.understanding import gazetteer

DATA = resources.files(gazetteer.__package__).joinpath("data")


def _raw() -> bytes:
    return DATA.joinpath(gazetteer._DATA_FILE).read_bytes()


def test_packaged_index_matches_the_data_file() -> None:
    """Fails after a change of communes.tsv.gz or of `_parse` until the index is rebuilt:
    .venv/bin/python handlers/understanding/data/build_gazetteer_index.py"""
    raw = _raw()
    packaged = DATA.joinpath(gazetteer._INDEX_FILE).read_bytes()
    assert packaged == gazetteer._index_bytes(raw), "rebuild communes.idx (see its builder)"
    indexed = gazetteer._from_index(raw, packaged)
    assert indexed is not None
    assert indexed == gazetteer._parse(gzip.decompress(raw).decode("utf-8"))


def test_the_loaded_gazetteer_comes_from_the_index() -> None:
    gazetteer.load_gazetteer.cache_clear()
    try:
        loaded = gazetteer.load_gazetteer()
        assert loaded._data == gazetteer._from_index(
            _raw(), DATA.joinpath(gazetteer._INDEX_FILE).read_bytes()
        )
    finally:
        gazetteer.load_gazetteer.cache_clear()


@pytest.mark.parametrize("change", ["data", "rules"])
def test_an_index_of_anything_else_is_not_used(
    change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _raw()
    packaged = DATA.joinpath(gazetteer._INDEX_FILE).read_bytes()
    if change == "data":
        raw = gzip.compress(gzip.decompress(raw) + b"c\t99999\tNulle-Part\t\t99\t\t\t\t0\n")
    else:
        monkeypatch.setattr(gazetteer, "_KNOWN_BY", gazetteer._KNOWN_BY + 1)
    assert gazetteer._from_index(raw, packaged) is None
