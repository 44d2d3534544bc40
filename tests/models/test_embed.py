import numpy as np

from summarizer.models.embed import minilm_path


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


def test_several_threads_at_once_get_the_vectors_of_one(embedder):
    """The service embeds from the brief worker and from claim checks at the same time."""
    import threading

    from summarizer.models.embed import MiniLMEmbedder

    batches = [
        [f"Thread {t}, batch {b}, sentence {i}: " + "the talks went on " * (i % 7 + 1) for i in range(t + 5 * b + 1)]
        for t in range(4)
        for b in range(4)
    ]
    shared = MiniLMEmbedder(cache_size=0)  # no cache: every call runs the tokenizer and the model
    shared.warm_up()
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []

    def work(first: int) -> None:
        try:
            for n in range(first, len(batches), 4):
                results[n] = shared.embed(batches[n])
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for n, batch in enumerate(batches):
        assert np.allclose(results[n], embedder.embed(batch), atol=1e-5)
