import numpy as np

from summarizer.embed import minilm_path


def test_vectors_are_unit_length_and_meaningful(embedder):
    texts = [
        "Russia and Ukraine agreed to swap prisoners.",
        "The two countries will exchange captives.",
        "The zoo welcomed a baby giraffe.",
    ]
    vectors = embedder.embed(texts)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_order_batching_and_cache_do_not_change_results(embedder):
    texts = [f"Sentence number {i} about the talks in Istanbul." for i in range(40)] + ["Short one."]
    forward = embedder.embed(texts)
    backward = embedder.embed(list(reversed(texts)))[::-1]
    assert np.allclose(forward, backward, atol=1e-6)
    assert embedder.embed([]).shape == (0, 384)


def test_model_comes_from_the_installed_package():
    assert (minilm_path() / "config.json").is_file()
