from summarizer.brief.cite import cite
from summarizer.brief.types import Sentence

CANDIDATES = [
    "Russia and Ukraine will swap 1,000 prisoners of war each, the Russian negotiator said.",
    "Russian and Ukrainian negotiators announced an exchange of 1000 prisoners in Istanbul.",
    "The zoo in Kyiv reopened after a long renovation.",
    "Heavy rain is expected in Moscow on Saturday.",
]


def _candidates():
    return [Sentence("a" if i % 2 == 0 else "b", i, 10 * i, 10 * i + len(t), t, 0.0) for i, t in enumerate(CANDIDATES)]


def test_a_fact_two_outlets_report_cites_both_best_first(embedder):
    sentence = "Russia and Ukraine agreed to exchange 1,000 prisoners of war."
    candidates = _candidates()
    citations = cite(sentence, embedder.embed([sentence])[0], candidates, embedder.embed(CANDIDATES))
    assert [c.sentence_index for c in citations][:2] in ([0, 1], [1, 0])
    assert {c.article_id for c in citations} == {"a", "b"}
    assert all(c.sentence_index in (0, 1) for c in citations)
    assert [c.score for c in citations] == sorted((c.score for c in citations), reverse=True)
    first = citations[0]
    assert first.text == CANDIDATES[first.sentence_index] and first.end - first.start == len(first.text)


def test_fused_sentence_cites_the_source_of_each_part(embedder):
    sentence = "The Kyiv zoo reopened, and heavy rain is expected in Moscow on Saturday."
    citations = cite(sentence, embedder.embed([sentence])[0], _candidates(), embedder.embed(CANDIDATES))
    assert {c.sentence_index for c in citations} == {2, 3}


def test_nothing_supports_an_unrelated_sentence(embedder):
    sentence = "The central bank raised interest rates by half a point."
    assert cite(sentence, embedder.embed([sentence])[0], _candidates(), embedder.embed(CANDIDATES)) == ()
