import pytest

from summarizer.brief.headline import MAX_HEADLINE_WORDS, cut_headline
from summarizer.brief.write import is_deletion, keeps_attribution


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        (  # a second clause joined by "and" is cut (real dev-brief sentence, MultiLing-style look-alike)
            "Voters in 11 states will pick their governors tonight, and Republicans appear on track to "
            "increase their numbers by at least one.",
            "Voters in 11 states will pick their governors",
        ),
        (  # what precedes the subject is cut (the seeds)
            "For the first time since the spring of 2022, the Russian and Ukrainian delegations met in "
            "Istanbul to Direct Peace Negotiations.",
            "The Russian and Ukrainian delegations met in Istanbul to Direct Peace Negotiations",
        ),
        (  # an appositive and its commas go together
            "Vladimir Medinsky, one of Putin's aides, said talks would resume.",
            "Vladimir Medinsky said talks would resume",
        ),
        (  # the means ("by making ...") goes when the headline is too long (a dev brief's first sentence)
            "A hoax caller in Maryland cost the Coast Guard about $500,000 in the past two years by making "
            "false distress alerts.",
            "A hoax caller in Maryland cost the Coast Guard about $500,000",
        ),
    ],
)
def test_the_main_clause_is_kept_and_its_asides_cut(sentence, headline):
    assert cut_headline(sentence) == headline


@pytest.mark.parametrize(
    "sentence",
    [
        # a quotation is never cut: cutting misquotes the speaker
        '"We will appeal," said the lawyer for the family on Tuesday.',
        # no subject before a verb: no headline
        "Montana: Popular Democratic Gov.",
        "52 people killed, hundreds injured.",
        # nothing named, nothing counted: no headline (a labelled dev headline an editor refused)
        "The intelligence summary emerged from a daylong email debate.",
        # a sentence that is all parenthesis has no clause left to cut (it crashed the brief of an
        # unseen Multi-News story; these are the same shape, not its words)
        "(Toxicology tests remain pending in the death, the sheriff said, adding the results could take weeks.)",
        "(Roberts, who won an award in 2000, is up for Best Supporting Actress for her role in the film.)",
    ],
)
def test_no_headline_when_no_clean_cut_exists(sentence):
    assert cut_headline(sentence) is None


def test_only_phrases_of_time_place_and_means_are_trimmed():
    # real failure: "plead not guilty by reason of insanity" cut to "plead not guilty" (UNSUPPORTED)
    sentence = "Roe said Weier would plead not guilty by reason of insanity on Friday in Waukesha."
    assert cut_headline(sentence) == "Roe said Weier would plead not guilty by reason of insanity"
    # a restrictive relative clause says which ones: "Citizens may write off their donations" over-claims
    restrictive = "Citizens who donated in 2005 to help the victims may write off their donations on their tax returns."
    assert cut_headline(restrictive) in (None, restrictive.rstrip("."))


def test_an_attribution_or_hedge_is_never_cut():
    # real failure: headlines and compressions that dropped "according to ..." stated a report as fact
    sentence = (
        "The caller made 28 false distress alerts from around the area of Annapolis, Maryland, beginning "
        "in July 2014, according to the Coast Guard."
    )
    headline = cut_headline(sentence)
    assert headline is None or "according to the Coast Guard" in headline
    hedged = "Preliminary investigations pointed to salt poisoning as the cause of the deaths of the rhinos."
    cut = cut_headline(hedged)
    assert cut is None or keeps_attribution(cut, hedged)


@pytest.mark.parametrize(
    "sentence",
    [
        "Suzanne Shaw, the second ex-wife, issued a written apology to Christie Brinkley on Monday.",
        "Denver police said the suspect fled the scene in a stolen car on Tuesday night in Boston.",
        "The Senate voted 52-48 on Tuesday in Washington to confirm the nominee for the Supreme Court.",
    ],
)
def test_a_headline_is_a_short_deletion_of_its_sentence(sentence):
    # real failure: the model's free headline reversed who apologised to whom; a deletion cannot
    headline = cut_headline(sentence)
    assert headline is not None
    assert is_deletion(headline, sentence) and keeps_attribution(headline, sentence)
    assert len(headline.split()) <= MAX_HEADLINE_WORDS and not headline.endswith((".", ","))
