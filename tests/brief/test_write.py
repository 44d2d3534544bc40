import re

import pytest

from summarizer.brief.types import Detail
from summarizer.brief.write import (
    CONNECTIVE,
    MAX_TOKENS,
    MUST_CUT_WORDS,
    Piece,
    _common_word,
    compress,
    fuse,
    grammar,
    is_deletion,
    keeps_attribution,
    keeps_main_clause,
    kept_phrases,
    phrases,
    tidy,
)

MEDINSKY = (
    "Vladimir Medinsky, one of Russian President Vladimir Putin's aides and the leader of Russia's delegation, "
    "said that the two sides agreed to share specific proposals on a possible ceasefire and to discuss the "
    "possibility of a meeting between their respective heads of state."
)
SWAP = (
    "Moscow's top negotiator confirmed that Russia and Ukraine would swap 1,000 prisoners of war (PoWs) each, "
    "in what would be the biggest exchange between the nations so far."
)


def _optional(sentence: str) -> list[str]:
    return [p.text.strip() for p in phrases(sentence) if p.optional]


# a real MultiLing sentence (CC BY 2.5) whose "On Monday of this week" strict readers flagged as pasted
EGELAND = (
    "On Monday of this week, Jan Egeland, the UN Emergency Relief Coordinator, said that rich nations like "
    'the U.S. were also being "stingy" by making small contributions.'
)


def test_phrases_give_the_sentence_back_and_offer_only_what_a_brief_is_better_without():
    for sentence in (MEDINSKY, SWAP, EGELAND):
        assert "".join(p.text for p in phrases(sentence)).strip() == sentence
    # a time said from the article's day, an adverb pointing back, parentheses: optional
    assert _optional(EGELAND) == ["On Monday of this week,", "also"]
    assert _optional(SWAP) == ["(PoWs)"]
    assert _optional("Promised funds have doubled in the past 24 hours, to nearly 2 billion dollars.") == [
        "in the past 24 hours"
    ]
    # a role, a second verb phrase, a place, an absolute date: the brief needs them (measured: readers found
    # briefs without them less publishable and less true: "the best [in two decades]")
    assert _optional(MEDINSKY) == []
    assert _optional("The gold rush is expected to be the best in two decades, a geologist said in May 2014.") == []


@pytest.mark.parametrize(
    ("sentence", "written"),
    [
        # dev and unseen brief sentences (look-alikes) readers flagged for leaning on the one before
        ("Obama, however, remains opposed to gay marriage.", "Obama remains opposed to gay marriage."),
        ("Chad Doe, on the other hand, has ripped into the band.", "Chad Doe has ripped into the band."),
        # a link's comma goes only in pairs: here it closes the appositive
        (
            "Sarah Roe's political action committee, ROE PAC, also chipped in $5,000.",
            "Sarah Roe's political action committee, ROE PAC, chipped in $5,000.",
        ),
    ],
)
def test_a_link_to_the_articles_other_sentences_is_always_left_out(sentence, written):
    pieces = phrases(sentence)
    assert any(p.link for p in pieces)
    assert tidy("".join(p.text for p in pieces if not p.link)) == written
    assert grammar(pieces) == grammar(pieces, must_cut=True)  # the grammar cannot write it: a cut already
    assert kept_phrases(written, pieces) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "Even though the talks failed, the two sides met again.",  # a conjunction, not a link
        "Only 12 people survived the crash in turn 3, officials said.",  # "in turn 3" is a place
        "The court ruled in his favour though not on every count.",
    ],
)
def test_words_that_only_look_like_links_stay(sentence):
    assert not any(p.link for p in phrases(sentence))


def test_details_go_in_as_required_pieces_where_they_belong():
    sentence = "Russian negotiators also announced an exchange of 1000 prisoners."
    at = sentence.index(".")
    offered = (Detail(" of war", at, ("b", 0)), Detail(" each", at, ("b", 0)))
    pieces = phrases(sentence, offered)
    joined = "".join(p.text for p in pieces)
    assert joined == "Russian negotiators also announced an exchange of 1000 prisoners of war each."
    assert [(p.text, p.optional, p.source) for p in pieces if p.source] == [
        (" of war", False, ("b", 0)),
        (" each", False, ("b", 0)),
    ]
    assert _optional(sentence) == [p.text.strip() for p in pieces if p.optional] == ["also"]
    # the sentence with its details, its own optional phrase left out; never without the details
    assert kept_phrases("Russian negotiators announced an exchange of 1000 prisoners of war each.", pieces) == (False,)
    assert kept_phrases("Russian negotiators announced an exchange of 1000 prisoners.", pieces) is None
    assert '" of war"' in grammar(pieces) and "also" not in grammar(pieces)  # a link: always left out
    # a detail that would fall inside an optional phrase is left out
    timed = "Promised funds have doubled in the past 24 hours, to nearly 2 billion dollars."
    inside = Detail(" of aid", timed.index(" hours"), ("b", 0))
    assert phrases(timed, (inside,)) == phrases(timed)


@pytest.mark.parametrize(
    "sentence",
    [
        # an attribution, a hedge, a negation, a quotation and a purpose clause are never optional
        "The talks lasted less than two hours on Friday, according to a Turkish official.",
        "The council, which met on Monday, may not approve the budget in March.",
        'Medinsky said on Friday that he was "globally satisfied with the result" in Istanbul.',
        "Donors in Ohio gave money to help the victims.",
    ],
)
def test_what_carries_the_claim_is_never_optional(sentence):
    required = " ".join(p.text for p in phrases(sentence) if not p.optional)
    for words in ("according to a Turkish official", "may not approve", "globally satisfied", "to help the victims"):
        if words in sentence:
            assert words in required


@pytest.mark.parametrize(
    "sentence",
    [
        # a verb that needs what follows it keeps it (real compressions of dev briefs read "the 28 calls
        # have originated." and "The billboard of Rihanna came.")
        "In a press release, the Coast Guard says the 28 calls have originated from Annapolis.",
        "The billboard of Rihanna came as the singer hit out at claims she had used a body double.",
        # inside a quotation nothing is optional (a dev compression quoted Trump without "Every hour")
        '"Every hour we are getting calls from reporters in Washington," Trump told Fox News.',
        # real dev sentences whose compressions read "prosecutors say they plotted." (the object is both
        # verbs') and "seen shopping in a revealing." (a misparsed list taken for a verb phrase)
        "Weier and Geyser were 12 when prosecutors say they plotted and attempted to kill their classmate.",
        "The singer was seen shopping in a revealing, and see-through, tiny pink bra, showing off her arms.",
    ],
)
def test_a_phrase_the_sentence_needs_is_not_optional(sentence):
    needed = ("Annapolis", "singer", "Every", "attempted", "see-through")
    assert not any(p.optional and any(word in p.text for word in needed) for p in phrases(sentence))


def test_the_second_half_of_a_fusion_keeps_a_names_capital():
    # dev fusions lowercased "Robertson", "Android", "Fiscal-Gonzalez" and "Gold's"
    sentence = "On Sunday, Robertson defended his comments about gays."
    assert not _common_word(sentence, sentence.find("Robertson"), "")
    assert not _common_word("Fiscal-Gonzalez, who pleaded guilty, said so.", 0, "")
    assert not _common_word("Gold's coworker became a suspect.", 0, "The remains of Savannah Gold were found.")
    assert _common_word("The data comes from the survey.", 0, "")
    assert _common_word("Officials say the volcano is erupting.", 0, "")


def test_kept_phrases_accepts_only_the_pieces_with_optional_ones_left_out():
    pieces = phrases(EGELAND)
    assert kept_phrases(EGELAND, pieces) == (True, True)
    short = EGELAND.replace("On Monday of this week, Jan", "Jan").replace(" also", "")
    assert kept_phrases(short, pieces) == (False, False)
    assert kept_phrases(short.replace("Jan", "jan").rstrip("."), pieces) == (False, False)
    # a required word left out, a word changed, words reordered: not the pieces
    assert kept_phrases(short.replace(", the UN Emergency Relief Coordinator,", ""), pieces) is None
    assert kept_phrases(short.replace("stingy", "generous"), pieces) is None
    assert kept_phrases("Rich nations were stingy, Jan Egeland said.", pieces) is None


def test_the_grammar_spells_the_pieces_and_can_demand_a_cut():
    pieces = (Piece('He said "yes"', False), Piece(" on Friday", True), Piece(" in C:\\", True), Piece(".", False))
    plain = grammar(pieces)
    assert plain == 'root ::= "He said \\"yes\\"" (" on Friday")? (" in C:\\\\")? "."'
    cut = grammar(pieces, must_cut=True)
    # one alternative per optional piece, that piece absent
    assert cut.count("|") == 1 and cut.count('" on Friday"') == 1 and cut.count("in C:") == 1


def test_compress_under_the_grammar_is_a_deletion_of_whole_phrases(smollm):
    # SmolLM2 asked freely rewrites; under the grammar it can only leave optional phrases out
    assert len(EGELAND.split()) > MUST_CUT_WORDS
    first = compress(EGELAND, smollm)
    assert first == compress(EGELAND, smollm)  # greedy under a grammar: same input, same output
    kept = kept_phrases(first.text, phrases(EGELAND))
    assert kept is not None and not all(kept)  # a long sentence must lose a phrase
    assert keeps_main_clause(first.text, EGELAND) and keeps_attribution(first.text, EGELAND)
    assert 0 < first.completion_tokens <= MAX_TOKENS


def test_fuse_joins_two_deletions_with_the_one_connective(smollm):
    second = "The two countries have not agreed on a ceasefire yet."
    fused = fuse(SWAP, second, smollm)
    left, right = fused.text.split(CONNECTIVE, 1)
    assert is_deletion(left, SWAP, strict=False)
    assert is_deletion(right, second, strict=False)
    assert right.startswith("the two countries")  # its capital dropped: it is the middle of a sentence
    assert re.fullmatch(r"[^\n]+\.", fused.text)


@pytest.mark.parametrize(
    ("reply", "sentence"),
    [
        ("Russia and Ukraine will swap prisoners.", "Russia and Ukraine will swap prisoners."),
        (
            "Merged sentence: Russia and Ukraine will swap prisoners\n\nExplanation: ...",
            "Russia and Ukraine will swap prisoners.",
        ),
        ('"Russia and Ukraine will swap prisoners."', "Russia and Ukraine will swap prisoners."),
        ("**Answer:** - Russia and Ukraine will **swap** prisoners.", "Russia and Ukraine will swap prisoners."),
        ('He said they were "afraid."', 'He said they were "afraid."'),
        ("the talks lasted two hours", "The talks lasted two hours."),  # a leading phrase left out
        # a phrase left out between dashes or after a comma leaves its punctuation (a dev brief's compression)
        ("A new technology is getting a lot of attention - and for good reason -.", None),
        ("The talks lasted two hours,.", "The talks lasted two hours."),
        ("   \n ", ""),
    ],
)
def test_tidy_keeps_only_the_sentence(reply, sentence):
    if sentence is None:
        sentence = "A new technology is getting a lot of attention - and for good reason."
    assert tidy(reply) == sentence


@pytest.mark.parametrize(
    ("short", "expected"),
    [
        ("The Senate passed a bill, officials said.", True),
        ("Senate passed bill.", True),
        # real rewrites the 1.5B model returned when asked to delete words only (dev28, seeds)
        ("Ukrainian party seeks direct state talks.", False),
        ("Republicans expected to win governorships and GOP-held seats in Utah.", False),
        ("The Senate passed a bill on Tuesday.", False),  # reordered
        ("WASHINGTON (AP) - The Senate on Tuesday passed a bill, officials said.", False),  # nothing deleted
        ("", False),
    ],
)
def test_is_deletion_accepts_only_words_taken_out(short, expected):
    source = "WASHINGTON (AP) - The Senate on Tuesday passed a bill, officials said."
    if short.startswith(("Ukrainian", "Republicans")):
        source = {
            "U": "The Ukrainian party requested direct negotiations among heads of state.",
            "R": "Republicans are expected to wrest the North Carolina governorship from Democratic control, "
            "and to easily win GOP-held seats in Utah.",
        }[short[0]]
    assert is_deletion(short, source) is expected


@pytest.mark.parametrize(
    ("short", "source"),
    [
        # real failures of the labelled dev briefs (look-alikes): each deletion turned a report into a fact
        (
            "The caller made 28 false alerts from Annapolis.",
            "The caller made 28 false alerts from Annapolis, according to the Coast Guard.",
        ),
        (
            "Investigators are piecing together the deaths.",
            "Investigators are piecing together the deaths, said Officer Ann Bell.",
        ),
        ("The raccoon was unsettled by the trip.", "Maybe the raccoon was unsettled by the trip."),
        ("The video shows a white dust mask.", "The video shows what looks like a white dust mask."),
        ("The suspect admitted the killing.", "According to police, the suspect admitted the killing."),
    ],
)
def test_a_deletion_that_drops_an_attribution_or_hedge_is_refused(short, source):
    assert is_deletion(short, source)
    assert not keeps_attribution(short, source)


def test_a_deletion_that_keeps_its_attributions_is_accepted():
    source = "The caller, a local man, made 28 false alerts from Annapolis, according to the Coast Guard."
    assert keeps_attribution("The caller made 28 false alerts, according to the Coast Guard.", source)
    assert keeps_attribution("The council met.", "The council met on Monday evening.")


@pytest.mark.parametrize(
    ("short", "source", "expected"),
    [
        ("The council approved the budget.", "The council on Monday approved the budget for schools.", True),
        # garbled cuts of labelled dev sentences (look-alikes): the re-parse finds another verb or subject
        ("Democrats are likely hold on.", "Democrats are likely to hold on to the seat.", False),
        ("All men are British citizens.", "All of the men are British citizens.", False),
    ],
)
def test_a_deletion_must_keep_its_main_verb_and_subject(short, source, expected):
    assert keeps_main_clause(short, source) is expected


@pytest.mark.parametrize(
    ("short", "source", "expected"),
    [
        # whole phrases out: a time said from the article's day, an adverb pointing back
        (
            "The council approved the budget, the mayor said.",
            "The council approved the budget today, the mayor said.",
            True,
        ),
        ("Firefighters searched the park.", "Firefighters also searched the park.", True),
        # the three UNSUPPORTED compressions of unseen Multi-News briefs (look-alikes, not their words):
        # a modifier that says which ones dropped ("Retired firefighters" are not "firefighters") ...
        (
            "Lakeside firefighters joined the search for the missing man.",
            "Retired Lakeside firefighters joined the search for the missing man.",
            False,
        ),
        # ... a hedge inside a noun phrase dropped ("a possible suspension" is not "suspension") ...
        (
            "The bill would bring fines and licence suspension for drivers.",
            "The bill would bring fines and even a possible licence suspension for drivers.",
            False,
        ),
        # ... and a head noun dropped so that its complement becomes the subject
        (
            "The mayor said evacuations would be made tomorrow.",
            "The mayor said a decision on evacuations would be made tomorrow.",
            False,
        ),
        # a negation or an auxiliary of a kept verb is bound to it
        ("Officials had confirmed the deaths.", "Officials had not confirmed the deaths.", False),
        ("The team won the final.", "The team will have won the final.", False),
    ],
)
def test_a_deletion_drops_only_whole_phrases(short, source, expected):
    # phrases() never offers a bound modifier, a negation or an auxiliary as optional, so the
    # compressions that were UNSUPPORTED before the grammar cannot be produced now
    assert is_deletion(short, source)
    assert (kept_phrases(short, phrases(source)) is not None) is expected
