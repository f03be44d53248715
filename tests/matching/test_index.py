import threading

import numpy as np

from factcheck.matching import VectorIndex


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_search_ranks_by_cosine_and_respects_k_and_exclusions():
    index = VectorIndex(3)
    index.add([10, 20, 30], np.stack([unit(1, 0, 0), unit(1, 1, 0), unit(0, 0, 1)]))
    [matches] = index.search(unit(1, 0.2, 0), 2)
    assert [m.claim_id for m in matches] == [10, 20]
    assert matches[0].similarity > matches[1].similarity
    [matches] = index.search(unit(1, 0.2, 0), 5, exclude=[10])
    assert [m.claim_id for m in matches] == [20, 30]


def test_adding_an_existing_id_replaces_its_vector():
    index = VectorIndex(2)
    index.add([1, 2], np.stack([unit(1, 0), unit(0, 1)]))
    index.add([1], unit(0, 1)[None, :])
    assert len(index) == 2
    assert np.allclose(index.vector(1), unit(0, 1))


def test_index_grows_past_its_buffer_and_keeps_every_row():
    index = VectorIndex(4)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3000, 4)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for start in range(0, 3000, 7):  # many small appends, as single inserts would do
        index.add(list(range(start + 1, min(start + 8, 3001))), vectors[start : start + 7])
    assert len(index) == 3000 and index.max_id == 3000
    [matches] = index.search(vectors[1234], 1)
    assert matches[0].claim_id == 1235


def test_batch_queries_and_an_empty_index():
    assert VectorIndex(2).search(np.stack([unit(1, 0), unit(0, 1)]), 3) == [[], []]
    index = VectorIndex(2)
    index.replace_all([7, 8], np.stack([unit(1, 0), unit(0, 1)]))
    first, second = index.search(np.stack([unit(1, 0), unit(0, 1)]), 1)
    assert first[0].claim_id == 7 and second[0].claim_id == 8


def test_searches_during_adds_and_removes_show_each_ids_own_cosine():
    # Removing fills the hole with the last row and adding replaces a row in place, while
    # searches read the rows without the lock: every similarity must still be the cosine of
    # the id shown beside it, and no id may appear twice.
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(400, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(16)
    index.replace_all(list(range(400)), vectors)
    stop = threading.Event()

    def churn() -> None:
        ids = np.arange(400)
        while not stop.is_set():
            gone = rng.choice(ids, 40, replace=False)
            index.remove(gone.tolist())
            index.add(gone.tolist(), vectors[gone])

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        for query in vectors[:200]:
            found = index.search(query, 25)[0]
            ids = [m.claim_id for m in found]
            assert len(ids) == len(set(ids)), ids
            for match in found:
                assert abs(match.similarity - float(vectors[match.claim_id] @ query)) < 1e-5
    finally:
        stop.set()
        worker.join()
