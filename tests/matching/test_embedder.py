"""The real packaged model: loaded once per session through the process-wide cache."""

import numpy as np
import pytest

from factcheck.matching import Embedder, ModelLoadError
from tests.conftest import real_model

pytestmark = pytest.mark.model  # real similarities: see tests/conftest.py


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    embedder = Embedder()
    with real_model():
        embedder.load()
    return embedder


def test_packaged_model_gives_normalised_384_dimension_vectors(embedder):
    vectors = embedder.encode(["The city budget grew by 4 percent.", "Bats can see."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.name == "sentence-transformers/all-MiniLM-L6-v2"


def test_a_paraphrase_ranks_above_an_unrelated_claim(embedder):
    query, paraphrase, unrelated = embedder.encode(
        [
            "Unemployment in the city dropped to 3.2 percent last year.",
            "Last year the city's jobless rate fell to 3.2%.",
            "Goldfish remember things for months.",
        ]
    )
    assert query @ paraphrase > 0.7
    assert query @ paraphrase > query @ unrelated + 0.4


def test_a_missing_model_fails_with_what_to_install(tmp_path):
    with pytest.raises(ModelLoadError, match=r"pip install -r requirements\.txt"):
        Embedder(str(tmp_path / "no-such-model")).load()


def test_the_onnx_backend_gives_the_torch_vectors_and_layers(embedder, tmp_path):
    texts = [
        "The city budget grew by 4 percent.",
        "Bats can see.",
        "A much longer sentence "
        "about the river that flooded twelve times in one year, according to officials.",
    ]
    onnx = Embedder(onnx_dir=tmp_path)
    assert np.abs(onnx.encode(texts) - embedder.encode(texts)).max() < 1e-5
    torch_layers = embedder.encode_layers(texts).layers
    assert np.abs(onnx.encode_layers(texts).layers - torch_layers).max() < 1e-4
    assert any(path.suffix == ".onnx" for path in tmp_path.rglob("*"))


def test_the_int8_encoder_stays_within_cosine_098_of_fp32_on_real_sentences(
    embedder, tmp_path, seed_text
):
    from factcheck.text import clean_text
    from factcheck.text.claims import draft_claims

    texts = [
        *list(dict.fromkeys(d.sentence for d in draft_claims(clean_text(seed_text)))),
        "RT @user: The senator said unemployment fell to 3.2% https://t.co/abc pic.twitter.com/x",
        "Crime doubled.",
        "No.",
    ]
    int8 = Embedder(onnx_dir=tmp_path, precision="int8")
    # Activations are quantized over the whole batch, so a text's int8 vector moves with the
    # other texts of its batch. Encoded alone (as a search query is), it depends on its text
    # only, so this bound cannot change with how the sentences happen to fall into batches.
    alone = np.vstack([int8.encode([text]) for text in texts])
    cosine = (alone * embedder.encode(texts)).sum(1)
    assert cosine.min() >= 0.98, [(texts[i], cosine[i]) for i in np.argsort(cosine)[:3]]
    assert np.allclose(np.linalg.norm(alone, axis=1), 1.0, atol=1e-5)
    # In a batch (imports), each row is still its own text's vector, in the caller's order.
    distinct = [*texts[-3:], texts[0]]
    batched = int8.encode(distinct)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert (batched @ embedder.encode(distinct).T).argmax(1).tolist() == [0, 1, 2, 3]
    assert int8.name == embedder.name  # comparable with stored fp32 vectors
    # Extraction's pass (check-worthiness features) stays fp32: the torch vectors, to 1e-5.
    layers = int8.encode_layers(texts[:4]).embeddings
    assert np.abs(layers - embedder.encode(texts[:4])).max() < 1e-5
    assert sorted(p.name for p in tmp_path.rglob("*.onnx")) == [
        "minilm-layers.int8-ffn-in-fp32.onnx",
        "minilm-layers.onnx",
    ]
    # The quantized copy is made once: a second encoder opens it as it is.
    made = next(tmp_path.rglob("*.int8-*.onnx")).stat().st_mtime_ns
    Embedder(onnx_dir=tmp_path, precision="int8").load()
    assert next(tmp_path.rglob("*.int8-*.onnx")).stat().st_mtime_ns == made


def test_an_unknown_or_impossible_precision_says_what_to_set(tmp_path):
    with pytest.raises(ModelLoadError, match="fp32 or int8"):
        Embedder(onnx_dir=tmp_path, precision="int4")
    with pytest.raises(ModelLoadError, match="EMBEDDING_BACKEND=onnx"):
        Embedder(precision="int8")
