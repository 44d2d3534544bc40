import pytest
from conftest import lemmas, written_from

from summarizer.brief.headline import (
    MAX_HEADLINE_WORDS,
    WIRE_HEADLINE_WORDS,
    _join,
    _present,
    _reads_as_cut,
    _tokens,
    cut_headlines,
    same_act,
)
from summarizer.brief.write import keeps_attribution
from summarizer.nlp.analyze import parse


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        (  # a second clause joined by "and" is cut (real dev-brief sentence, MultiLing-style look-alike)
            "Voters in 11 states will pick their governors tonight, and Republicans appear on track to "
            "increase their numbers by at least one.",
            "Voters in 11 states to pick their governors",  # headline tense: "will pick" → "to pick"
        ),
        (  # what precedes the subject is cut (the seeds)
            "For the first time since the spring of 2022, the Russian and Ukrainian delegations met in "
            "Istanbul to Direct Peace Negotiations.",
            "Russian and Ukrainian delegations meet in Istanbul to Direct Peace Negotiations",
        ),
        (  # an appositive and its commas go together
            "Vladimir Medinsky, one of Putin's aides, said talks would resume.",
            "Vladimir Medinsky says talks would resume",
        ),
        (  # the means ("by making ...") goes when the headline is too long (a dev brief's first sentence)
            "A hoax caller in Maryland cost the Coast Guard about $500,000 in the past two years by making "
            "false distress alerts.",
            "Hoax caller in Maryland costs the Coast Guard about $500,000",  # an article in a name stays
        ),
    ],
)
def test_the_main_clause_is_kept_and_its_asides_cut(sentence, headline):
    assert cut_headlines(sentence)[0] == headline


@pytest.mark.parametrize(
    "sentence",
    [
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
    assert cut_headlines(sentence) == ()


def test_only_phrases_of_time_place_and_means_are_trimmed():
    # real failure: "plead not guilty by reason of insanity" cut to "plead not guilty" (UNSUPPORTED)
    sentence = "Roe said Weier would plead not guilty by reason of insanity on Friday in Waukesha."
    assert all("by reason of insanity" in cut for cut in cut_headlines(sentence))
    # a restrictive relative clause says which ones: "Citizens may write off their donations" over-claims
    restrictive = "Citizens who donated in 2005 to help the victims may write off their donations on their tax returns."
    assert all("who donated in 2005 to help the victims" in cut for cut in cut_headlines(restrictive))
    # nor on an indefinite: "A Texas tourist is going to jail for 15 days" told readers too little
    # (a dev brief's lead; words changed)
    indefinite = "A Florida fisherman who caught 40 lobsters in Key West, Florida, is going to jail for 15 days."
    assert all("who caught 40 lobsters" in cut for cut in cut_headlines(indefinite))
    # under a negation nothing is left out: "did not vote" denies more than "did not vote on Tuesday"
    assert all("on Tuesday" in cut for cut in cut_headlines("Senator Jane Ortiz did not vote on Tuesday in Albany."))
    # nor a clause of time: "David Plouffe did not mince words" shipped without what he was talking about (a
    # dev brief's lead; words changed)
    negated = "Adviser Jane Ortiz did not mince words when talking about the senators' reaction."
    assert all("when talking about" in cut for cut in cut_headlines(negated))


@pytest.mark.parametrize(
    ("sentence", "first"),
    [
        # look-alikes of dev and unseen leads that had no headline (words changed):
        # a concession goes with its own hedge ("said", "could" are the geologist's, not the claim's)
        (
            "A volcanic eruption in Samoa has created a new island - although one geologist said Tuesday it could "
            "soon wash away.",
            "Volcanic eruption in Samoa creates new island",
        ),
        # a "when" clause says when, whatever the parser calls "when"
        (
            "Twelve people were killed in Leeds when a gas main exploded under a busy street.",
            "Twelve people killed in Leeds",
        ),
        # nothing named, but what was done to a thing it describes; the aside's "could" is the aside's
        (
            "Researchers have grown working kidney cells from adult human skin, a long-sought goal that could lead "
            "to new transplants.",
            "Researchers grow working kidney cells from adult human skin",
        ),
        # a phrase before the subject that says what the event was keeps its own hedge
        (
            "In what is apparently the first such case in nearly three years, a Cuban pilot has defected across "
            "the sea border with Florida.",
            "Cuban pilot defects across sea border with Florida",
        ),
        (
            "Chemists have found a way to turn used tea leaves into a biodegradable plastic.",
            "Chemists find way to turn used tea leaves into a biodegradable plastic",  # an article in a clause stays
        ),
    ],
)
def test_a_concession_a_when_clause_and_an_asides_hedge_leave_the_headline(sentence, first):
    assert cut_headlines(sentence)[0] == first


def test_a_title_before_a_full_name_may_be_left_out_the_name_never():
    sentence = (
        "Democratic Senate candidate Elizabeth Warren lashed out at Boston Herald owner Patrick Purcell on Friday, "
        "claiming that the newspaper was biased against her."
    )
    cuts = cut_headlines(sentence, None, 10)
    assert "Elizabeth Warren lashes out at Boston Herald owner Patrick Purcell on Friday" in cuts
    assert all("Elizabeth Warren" in cut and "Patrick Purcell" in cut for cut in cuts)
    # the main claim's own hedge stays, and a concession does not take it
    hedged = (
        "A volcanic eruption in Samoa may have created a new island, although one geologist said it could soon sink."
    )
    assert all("may have created" in cut for cut in cut_headlines(hedged)) and cut_headlines(hedged)


def test_an_attribution_before_the_subject_is_the_claims():
    # "According to police, …" says who reports the whole claim: cut with what precedes the subject, the
    # headline would state the report as fact, so there is none (a deletion cannot move it to the end)
    assert cut_headlines("According to police, a Cuban pilot has defected across the sea border with Florida.") == ()


def test_an_attribution_or_hedge_is_never_cut():
    # real failure: headlines and compressions that dropped "according to ..." stated a report as fact
    sentence = (
        "The caller made 28 false distress alerts from around the area of Annapolis, Maryland, beginning "
        "in July 2014, according to the Coast Guard."
    )
    assert all("according to the Coast Guard" in cut for cut in cut_headlines(sentence))
    hedged = "Preliminary investigations pointed to salt poisoning as the cause of the deaths of the rhinos."
    assert all(keeps_attribution(cut, hedged) for cut in cut_headlines(hedged))


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
    cuts = cut_headlines(sentence)
    assert cuts
    for headline in cuts:
        assert written_from(headline, sentence) and keeps_attribution(lemmas(headline), lemmas(sentence))
        assert len(headline.split()) <= MAX_HEADLINE_WORDS and not headline.endswith((".", ","))


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        ("Russian and Ukrainian negotiators announced an exchange of 1000 prisoners.",
         "Russian and Ukrainian negotiators announce exchange of 1000 prisoners"),
        ("The United Kingdom has frozen all business deals with Iran on Friday.",
         "The United Kingdom freezes all business deals with Iran on Friday"),
        ("Dozens of people were killed in London on Thursday.", "Dozens of people killed in London on Thursday"),
        ("Acme is buying Widgetco's phone business, according to both companies.",
         "Acme buying Widgetco's phone business, according to both companies"),
    ],
)  # fmt: skip
def test_a_headline_is_written_in_headline_grammar(sentence, headline):
    assert cut_headlines(sentence)[0] == headline


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("The Senate did not vote on the bill in Washington on Tuesday.", "did not vote"),  # a negation
        ("Officials in Boston may close the Tobin Bridge on Friday.", "may close"),  # a hedge
        ("The volcano in southern Chile was the largest in South America.", "was"),  # a state, not an event
    ],
)
def test_the_tense_stays_under_a_negation_a_modal_or_a_copula(sentence, kept):
    cuts = cut_headlines(sentence)
    assert cuts and all(kept in cut for cut in cuts)


@pytest.mark.parametrize(
    ("lemma", "plural", "present"),
    [("cost", False, "costs"), ("freeze", False, "freezes"), ("carry", False, "carries"), ("say", False, "says"),
     ("watch", False, "watches"), ("have", False, "has"), ("announce", True, "announce"), ("play", False, "plays")],
)  # fmt: skip
def test_present_tense(lemma, plural, present):
    assert _present(lemma, plural=plural) == present


@pytest.mark.parametrize(
    ("sentence", "garbled"),
    [
        # real failures, shipped as headlines of dev briefs (names and words changed, same parse):
        # a place deep inside what the verb needs was taken for a phrase of place ("weigh in on ... GQ")
        (
            "Senator Jane Ortiz has decided to weigh in on the remarks that John Smith made to Reuters about taxes.",
            "Senator Jane Ortiz has decided to weigh",
        ),
        # a second clause was cut without its "and"
        (
            "Acme is buying Widgetco's phone business and licensing its patent portfolio, according to both companies.",
            "Acme is buying Widgetco's phone business and according to both companies",
        ),
        # a participle's agent was cut, leaving "used" alone (an unseen story's lead, as it is)
        (
            "A rare Enigma machine used by Nazi Germany during World War II was sold at auction Tuesday "
            "for 45,000 euros.",
            "Rare Enigma machine used sold at auction for 45,000 euros",
        ),
    ],
)
def test_a_cut_that_garbles_the_sentence_is_refused(sentence, garbled):
    assert garbled not in cut_headlines(sentence)
    if "according to" in sentence:  # and the attribution keeps its comma (readers: "clumsy" without it)
        assert cut_headlines(sentence)[0] == "Acme buying Widgetco's phone business, according to both companies"
    for cut in cut_headlines(sentence):
        assert not cut.endswith(("weigh", "weigh in")) and " and according" not in cut


def _cut(sentence: str, *words: str) -> bool:
    """Whether ``sentence`` with ``words`` deleted reads, parsed again, as the sentence did."""
    doc = parse(sentence)
    tokens = _tokens(doc, {t.i for t in doc if t.text not in words})
    return _reads_as_cut(_join([(t, t.text) for t in tokens]), tokens)


def test_a_cut_must_read_with_every_word_where_it_was():
    sentence = "Ardent Yankees supporter, John Smith, was allegedly attacked by the wife of a band member."
    assert _cut(sentence, "Tuesday")  # nothing cut: it reads as it did
    # "was" left out: "John Smith allegedly attacked ..." now reads as the attacker, not the attacked
    assert not _cut(sentence, "was")
    # a word whose head was cut hangs ("... were killed and when four suicide bombers blew ...": MultiLing M001)
    killed = "52 people were killed and hundreds more injured when four suicide bombers blew themselves up."
    assert not _cut(killed, "hundreds", "more", "injured")
    # a phrase of place the participle needs is not left out ("16 million children living received ...")
    census = "The Census Bureau reported Wednesday that 16 million children living in America received food stamps."
    assert all("living received" not in cut for cut in cut_headlines(census))


@pytest.mark.parametrize(
    ("telling", "sentence", "same"),
    [
        # unseen stories (look-alikes): the other outlet's telling says the lead's act, or not
        (
            "Jane Roe and John Doe have separated after 10 years of marriage.",
            '"Jane Roe and John Doe have jointly decided to separate at this time," reps for the couple tell PEOPLE.',
            True,
        ),
        # in the same dedup group, but "reached for" is not the lead's news (she swatted his hand away)
        (
            "This afternoon in Tel Aviv, President John Doe reached for his wife's hand.",
            "There was no husband-wife hand-holding as President John Doe and his wife arrived in Tel Aviv on Monday.",
            False,
        ),
        # the other headline round 4's readers refused (names changed)
        (
            "The FBI wants the public's help to find a man who robbed a Springfield bank.",
            "Authorities say a man who held up a Springfield bank got a cab ride to and from the robbery.",
            False,
        ),
        ("The council did not approve the budget.", "The council approved the budget on Monday.", False),
    ],
)
def test_a_telling_gives_a_headline_only_of_the_leads_act(telling, sentence, same):
    assert same_act(telling, sentence) is same


def test_a_longer_cut_only_where_no_wire_length_one_exists():
    # an unseen story's lead: no faithful cut of 12 words, one of 13
    enigma = (
        "A rare Enigma machine used by Nazi Germany during World War II was sold at auction Tuesday for 45,000 euros."
    )
    assert cut_headlines(enigma)[0] == "Rare Enigma machine used by Nazi Germany sold at auction for 45,000 euros"
    # a lead with a 12-word cut keeps it first, though a longer one exists
    caller = (
        "A hoax caller in Maryland cost the Coast Guard about $500,000 in the past two years by making false "
        "distress alerts."
    )
    assert all(len(cut.split()) <= WIRE_HEADLINE_WORDS for cut in cut_headlines(caller)[:1])


def test_a_cut_whose_pronoun_names_no_one_is_refused():
    # a dev lead (look-alike): its reported clause cut to "They found her dead at the scene, police say"
    sentence = (
        "When officers answered a welfare check Sept. 13 at the home of 67-year-old Jane Roe, they found her "
        "dead at the scene, the Springfield Police Department said."
    )
    assert not any(cut.startswith(("They", "Found")) for cut in cut_headlines(sentence))
    assert cut_headlines("President John Doe reached for his wife's hand in Tel Aviv on Monday.")  # "his": Doe's
