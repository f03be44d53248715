"""The real packaged model: loaded once per session through the process-wide cache."""

import numpy as np
import pytest

from factcheck.matching import Embedder, ModelLoadError


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    embedder = Embedder()
    embedder.load()
    return embedder


def test_packaged_model_gives_normalised_384_dimension_vectors(embedder):
    vectors = embedder.encode(["The city budget grew by 4 percent.", "Bats can see."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.name == "sentence-transformers/all-MiniLM-L6-v2"


def test_a_paraphrase_ranks_above_an_unrelated_claim(embedder):
    query, paraphrase, unrelated = embedder.encode([
        "Unemployment in the city dropped to 3.2 percent last year.",
        "Last year the city's jobless rate fell to 3.2%.",
        "Goldfish remember things for months.",
    ])
    assert query @ paraphrase > 0.7
    assert query @ paraphrase > query @ unrelated + 0.4


def test_a_missing_model_fails_with_what_to_install(tmp_path):
    with pytest.raises(ModelLoadError, match="pip install -r requirements.txt"):
        Embedder(str(tmp_path / "no-such-model")).load()


def test_the_onnx_backend_gives_the_torch_vectors_and_layers(embedder, tmp_path):
    texts = ["The city budget grew by 4 percent.", "Bats can see.", "A much longer sentence "
             "about the river that flooded twelve times in one year, according to officials."]
    onnx = Embedder(onnx_dir=tmp_path)
    assert np.abs(onnx.encode(texts) - embedder.encode(texts)).max() < 1e-5
    torch_layers = embedder.encode_layers(texts).layers
    assert np.abs(onnx.encode_layers(texts).layers - torch_layers).max() < 1e-4
    assert any(path.suffix == ".onnx" for path in tmp_path.rglob("*"))
