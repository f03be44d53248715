"""The HNSW graph behind VectorIndex for large collections: same answers as the exact scan."""

from pathlib import Path

import numpy as np
import pytest

from factcheck.matching import VectorIndex
from factcheck.matching.graph import GraphSettings, changes, row_hashes

DIM = 16


def unit_rows(n: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def settings(tmp_path: Path | None = None, **overrides: object) -> GraphSettings:
    # expansion_search above the collection size: the graph search is exhaustive, so its
    # answers must equal the exact scan's exactly.
    values = {
        "min_size": 100,
        "background": False,
        "expansion_search": 1000,
        "threads": 1,
        "path": tmp_path / "claims.hnsw" if tmp_path else None,
    }
    values.update(overrides)
    return GraphSettings(**values)


def exact_copy(index: VectorIndex) -> VectorIndex:
    ids = index.ids()
    copy = VectorIndex(DIM)
    copy.replace_all(ids, np.stack([index.vector(int(i)) for i in ids]))
    return copy


def assert_same_answers(
    index: VectorIndex, queries: np.ndarray, k: int = 10, exclude: tuple[int, ...] = ()
) -> None:
    assert index.approximate
    found = index.search(queries, k, exclude=exclude)
    expected = exact_copy(index).search(queries, k, exclude=exclude)
    assert [[m.claim_id for m in row] for row in found] == [
        [m.claim_id for m in row] for row in expected
    ]
    assert np.allclose(
        [[m.similarity for m in row] for row in found],
        [[m.similarity for m in row] for row in expected],
    )


def test_graph_answers_like_the_exact_scan_with_exclusions():
    index = VectorIndex(DIM, settings())
    index.replace_all(range(1, 301), unit_rows(300, 0))
    queries = unit_rows(20, 1)
    assert_same_answers(index, queries)
    assert_same_answers(index, queries[:1], k=5)
    nearest = index.search(queries[0], 3)[0]
    assert_same_answers(index, queries, exclude=tuple(m.claim_id for m in nearest))
    assert all(
        m.claim_id not in {n.claim_id for n in nearest}
        for m in index.search(queries[0], 10, exclude=[n.claim_id for n in nearest])[0]
    )


def test_small_collections_are_searched_exactly_until_they_reach_the_threshold():
    index = VectorIndex(DIM, settings(min_size=200))
    rows = unit_rows(250, 2)
    index.replace_all(range(1, 151), rows[:150])
    assert not index.approximate
    index.add(range(151, 251), rows[150:])  # crosses min_size: the graph is built
    assert_same_answers(index, unit_rows(10, 3))
    index.remove(range(1, 101))  # back under min_size: exact again
    assert not index.approximate and len(index) == 150
    [matches] = index.search(rows[0], 1)
    assert matches[0].claim_id != 1


def test_graph_stays_in_step_with_adds_re_embeddings_and_removals():
    index = VectorIndex(DIM, settings())
    rows = unit_rows(400, 4)
    index.replace_all(range(1, 301), rows[:300])
    index.add(range(301, 401), rows[300:])  # new claims
    index.add([5, 6], rows[[200, 201]] * -1)  # re-embedded claims: their old vectors go
    index.remove([7, 250, 399])  # deleted claims
    assert len(index) == 397
    assert_same_answers(index, np.vstack([unit_rows(20, 5), rows[[5, 7, 250, 350]]]))
    [matches] = index.search(-rows[200], 1)
    assert (matches[0].claim_id, round(matches[0].similarity, 5)) == (5, 1.0)
    assert 7 not in {m.claim_id for m in index.search(rows[7], 20)[0]}


def test_replace_all_keeps_the_graph_when_little_changed_and_rebuilds_when_much_did():
    index = VectorIndex(DIM, settings())
    rows = unit_rows(500, 6)
    index.replace_all(range(1, 401), rows[:400])
    graph = index._graph
    changed = rows[:400].copy()
    changed[:10] = rows[400:410]  # ten re-embedded
    index.replace_all(list(range(1, 401)), changed)
    assert index._graph is graph
    assert_same_answers(index, rows[400:410])
    index.replace_all(range(1, 401), unit_rows(400, 7))  # everything changed (another model)
    assert index._graph is not graph
    assert_same_answers(index, unit_rows(10, 8))


def test_a_background_build_takes_in_the_changes_made_while_it_ran():
    # Which rows the build reads before the changes land depends on the threads' timing, so
    # the graph differs from run to run: only an exhaustive search answers the same every time.
    index = VectorIndex(DIM, settings(background=True, expansion_search=4000))
    rows = unit_rows(3000, 9)
    index.replace_all(range(1, 2001), rows[:2000])
    index.add(range(2001, 3001), rows[2000:])
    index.add([1], -rows[1:2])
    index.remove([2, 3])
    assert index.wait_for_graph(timeout=120)
    assert_same_answers(index, np.vstack([unit_rows(10, 10), -rows[1:2]]))
    assert index.search(rows[2], 1)[0][0].claim_id != 2


def test_a_saved_graph_is_loaded_and_brought_up_to_date(tmp_path: Path):
    rows = unit_rows(400, 11)
    first = VectorIndex(DIM, settings(tmp_path))
    first.replace_all(range(1, 301), rows[:300])
    saved = tmp_path / "claims.hnsw"
    assert saved.exists() and first.graph_made_by == "built"
    # Another process starts on the same stored vectors: it loads the file and saves nothing.
    stamp = saved.stat().st_mtime_ns
    second = VectorIndex(DIM, settings(tmp_path))
    second.replace_all(range(1, 301), rows[:300])
    assert second.graph_made_by == "loaded" and saved.stat().st_mtime_ns == stamp
    assert_same_answers(second, unit_rows(10, 12))
    # Meanwhile the database changed: claims added, one re-embedded, one deleted. The file is
    # stale for those rows only: they are put right, and the file saved again.
    now = np.vstack([rows[:300], rows[300:350]])
    now[10] = rows[399]
    third = VectorIndex(DIM, settings(tmp_path))
    third.replace_all(np.delete(np.arange(1, 351), 20), np.delete(now, 20, axis=0))
    assert third.graph_made_by == "loaded, 52 changed"
    assert_same_answers(third, np.vstack([unit_rows(10, 13), rows[[20, 399]]]))
    assert 21 not in {m.claim_id for m in third.search(rows[20], 10)[0]}
    assert saved.stat().st_mtime_ns != stamp


@pytest.mark.parametrize("spoil", ["garbage", "other element type", "other dimension"])
def test_an_unusable_file_is_rejected_and_the_graph_built_anew(tmp_path: Path, spoil: str):
    saved = tmp_path / "claims.hnsw"
    rows = unit_rows(300, 14)
    if spoil == "garbage":
        saved.write_bytes(b"not a graph at all")
    elif spoil == "other element type":
        VectorIndex(DIM, settings(tmp_path, dtype="f16")).replace_all(range(1, 301), rows)
    else:
        other = VectorIndex(8, settings(tmp_path))
        other.replace_all(
            range(1, 301), rows[:, :8] / np.linalg.norm(rows[:, :8], axis=1, keepdims=True)
        )
    index = VectorIndex(DIM, settings(tmp_path))
    index.replace_all(range(1, 301), rows)
    assert index.graph_made_by == "built"
    assert_same_answers(index, unit_rows(10, 15))


def test_fingerprints_tell_which_rows_changed():
    rows = unit_rows(6, 16)
    hashes = row_hashes(rows)
    assert len(set(hashes.tolist())) == 6 and np.array_equal(hashes, row_hashes(rows.copy()))
    changed = rows.copy()
    changed[2, 0] = np.nextafter(changed[2, 0], 1)  # the smallest possible change
    gone, fresh = changes(
        np.arange(1, 7),
        hashes,
        np.array([1, 2, 3, 4, 5, 9]),
        row_hashes(np.vstack([changed[:5], rows[5:]])),
    )
    assert gone.tolist() == [6] and fresh.tolist() == [3, 9]
