"""Details another outlet's telling of the same fact gives a brief sentence (real spaCy parse)."""

import pytest

from summarizer.brief.detail import MAX_DETAIL_WORDS, details
from summarizer.brief.types import Sentence

LEAD = "Russian and Ukrainian negotiators announced an exchange of 1000 prisoners."
OTHER_LEAD = (
    "Moscow and Russia have come to an understanding where they will swap 1,000 prisoners of war (PoWs) each, "
    "as confirmed by the top Moscow negotiator."
)


def donor(text: str, article: str = "other", index: int = 0) -> Sentence:
    return Sentence(article, index, 0, len(text), text, 0.0)


def taken_in(sentence: str, *donors: str) -> str:
    """``sentence`` with every detail ``donors`` give put where it belongs."""
    for detail in reversed(details(sentence, [donor(t, index=i) for i, t in enumerate(donors)])):
        sentence = sentence[: detail.at] + detail.text + sentence[detail.at :]
    return sentence


def test_the_seeds_lead_takes_the_other_outlets_of_war_and_each():
    # the seeds' two outlets tell the swap; readers of the brief missed "1,000 each"
    found = details(LEAD, [donor(OTHER_LEAD, "003", 0)])
    assert [(d.text, d.source) for d in found] == [(" of war", ("003", 0)), (" each", ("003", 0))]
    assert {d.at for d in found} == {LEAD.index(".")}  # after "prisoners": the parenthesis "(PoWs)" left out
    assert taken_in(LEAD, OTHER_LEAD) == (
        "Russian and Ukrainian negotiators announced an exchange of 1000 prisoners of war each."
    )


def test_a_role_goes_after_the_name_set_off_by_commas():
    other = "Police arrested Anthony Aiello, the stepfather of the victim, on Monday."
    assert taken_in("Anthony Aiello said he did nothing.", other) == (
        "Anthony Aiello, the stepfather of the victim, said he did nothing."
    )
    assert taken_in("Police questioned Anthony Aiello.", other) == (
        "Police questioned Anthony Aiello, the stepfather of the victim."
    )
    # a name that has its role already, or goes on ("Aiello's"), takes none
    assert details("Anthony Aiello, 90, said he did nothing.", [donor(other)]) == ()
    assert details("Stepfather Anthony Aiello said he did nothing.", [donor(other)]) == ()
    assert details("Anthony Aiello's lawyer said he did nothing.", [donor(other)]) == ()


def test_a_title_another_sentence_gives_goes_before_the_full_name():
    # an unseen brief (look-alike) said "…, Justin Schultz said." and only a later sentence
    # "meteorologist Justin Schultz"; "Cubs player Kyle Schwarber", "TV host Aamir Liaquat Hussain"
    other = "The boom prompted calls to the weather service, meteorologist Jane Roe said."
    assert taken_in("Frostquakes are rare events, Jane Roe said.", other) == (
        "Frostquakes are rare events, meteorologist Jane Roe said."
    )
    assert taken_in("Jane Roe said frostquakes are rare.", other) == "Meteorologist Jane Roe said frostquakes are rare."
    assert taken_in("The network suspended Phil Doe.", "Reality show star Phil Doe made the comments.") == (
        "The network suspended reality show star Phil Doe."
    )
    # a title and an appositive from one sentence: one role
    assert taken_in("Jane Roe said frostquakes are rare.", "Meteorologist Jane Roe, a forecaster, said so.") == (
        "Meteorologist Jane Roe said frostquakes are rare."
    )


@pytest.mark.parametrize(
    ("sentence", "other"),
    [
        # the sentence gives the name a title or role already
        ("Officer Angela Roe said the deaths were investigated.", "Police spokeswoman Angela Roe said so."),
        ("Jane Roe, 31, said frostquakes are rare.", "Meteorologist Jane Roe said so."),
        ("The singer Jane Roe arrived later.", "Pop star Jane Roe arrived."),
        # a relation or another person's, not a role: "Cook's lawyer John Fellin", "her boyfriend Chris Brown"
        ("John Doe denies his client cheated.", "Cook's lawyer John Doe denies it."),
        ("Chris Doe arrived a little later.", "Her boyfriend Chris Doe arrived."),
        # a title of several: "Republican candidates Rick Santorum and Newt Gingrich" (a dev brief wrote
        # "Rick Santorum and [Republicans] Newt Gingrich")
        (
            "Candidates Rick Santorum and Newt Gingrich attacked the plan.",
            "It was once supported by Republicans Newt Gingrich, Bob Dole and Mitt Romney.",
        ),
        (
            "Newt Gingrich attacked the plan.",
            "It was once supported by Republicans Newt Gingrich, Bob Dole and Mitt Romney.",
        ),
        # a surname alone may be a relative's; a title inside a quotation is the speaker's
        ("Roe said frostquakes are rare.", "Meteorologist Jane Roe said so."),
        ('"Ask Jane Roe," he said.', "Meteorologist Jane Roe said so."),
    ],
)
def test_a_title_is_not_offered_where_it_could_be_wrong_or_said_already(sentence, other):
    assert [d for d in details(sentence, [donor(other)]) if d.role] == []


def test_a_place_goes_after_the_verb_and_its_object():
    assert (
        taken_in(
            "Eight rhinos have died after being moved to a reserve.",
            "The rhinos were moved from the capital to a new park.",
        )
        == "Eight rhinos have died after being moved from the capital to a reserve."
    )
    assert (
        taken_in("Gunmen robbed a bank, police said.", "Two gunmen robbed a bank in the Denver Tech Center on Monday.")
        == "Gunmen robbed a bank in the Denver Tech Center, police said."
    )


@pytest.mark.parametrize(
    ("sentence", "other"),
    [
        # look-alikes of real failures on the dev and unseen stories:
        # what the sentence says already, in other words or number ("… from Florida beaches [from the beach]", a
        # fused sentence of a dev brief; "brothers [inside a Huntington Beach apartment]")
        (
            "It is illegal to take conch shells with living organisms from Florida beaches.",
            "She said she did not know taking the shells from the beach was illegal.",
        ),
        (
            "Two men found dead in a Chicago apartment were identified as brothers.",
            "The brothers inside a Chicago apartment were found on Sunday.",
        ),
        # another sum than the sentence's ("values the firm at $50 million [in salary]")
        ("The filing values the fund at $50 million.", "He earned $50 million in salary last year."),
        # a time of another step ("until the sailors are released [within days]")
        ("Deals are frozen until the sailors are released.", "Iran said the sailors would be released within days."),
        ("The rebels plotted the attack.", "The rebels plotted the attack for months."),
        # the same verb of another act ("licensing its patent portfolio [to other makers]": the other
        # outlet licensed Windows Phone to them), or of an act that did not happen
        (
            "Microsoft is buying the business and licensing its patent portfolio, both companies said.",
            "Microsoft wants to license Windows Phone to other makers.",
        ),
        ("Police searched the house.", "Police did not search the house in Leeds."),
        # a modifier before the word ("Russian and Ukrainian [Moscow] negotiators")
        ("Russian and Ukrainian negotiators met.", "The top Moscow negotiator met the press."),
        # two places of one thing may disagree
        ("The summit was held in Ankara.", "The summit was held in Istanbul."),
        # a pronoun, a clause, a quotation, a time from the article's day
        ("Police searched the house.", "Police searched the house with their dogs."),
        ("Police searched the house.", "Police searched the house where the suspect lived."),
        ("Police searched the house.", 'He said: "Police searched the house in Leeds."'),
        ("Police searched the house.", "Police searched the house in the past 24 hours."),
        # a demonstrative points into its own sentence ("'hints' of Irish [in that character]", unseen brief)
        (
            "Lawson suggested there were hints of Irish in the supposedly English accent.",
            "I am a little dumbfounded that you could possibly find any Irish in that character, he said.",
        ),
        # a word the sentence has twice: which one it hangs on is unknown
        ("The house next to the house burned.", "The house in Leeds burned."),
        # a noun with a phrase of its own already to its right
        ("The house of the suspect burned.", "The house in Leeds burned."),
    ],
)
def test_details_that_could_change_what_the_sentence_says_are_not_offered(sentence, other):
    assert details(sentence, [donor(other)]) == ()


def test_a_close_sentence_of_another_fact_gives_details_of_the_same_act_or_name_only():
    # MultiLing M001/M002-like: the same act told in another fact's sentence
    sentence = "Fifteen sailors have been captured in the Persian Gulf, the ministry said."
    closest = donor("The sailors were captured in the Persian Gulf near the Shatt al Arab waterway.")
    assert taken_in_related(sentence, closest) == (
        "Fifteen sailors have been captured near the Shatt al Arab waterway in the Persian Gulf, the ministry said."
    )
    # "leave the state [of Jefferson]": residents leave California to form the state of Jefferson (a real
    # failure of a close sentence of the dev stories); a common noun of another fact may be another thing
    leaving = "Residents of one rural county are taking steps to leave the state."
    forming = donor("It is the first step to form the proposed state of Jefferson.")
    assert details(leaving, [], [forming]) == ()
    # another occasion of the same act, and a misparse: "hits an RBI single against the Indians [a double off a
    # dominant Corey Kluber]" (a real failure on an unseen story: the other sentence's hit was in Game 1)
    assert (
        details(
            "Cubs player Kyle Schwarber hits an RBI single against the Indians in the fifth inning of Game 2.",
            [],
            [donor("In Game 1, Schwarber hit a double off a dominant Corey Kluber and drew a walk off Andrew Miller.")],
        )
        == ()
    )
    single = "Schwarber hit a single in the fifth inning."
    assert details(single, [], [donor("In Game 1, Schwarber hit a single off Corey Kluber.")]) == ()
    assert taken_in_related(single, donor("Schwarber hit a single off Corey Kluber.")) == (
        "Schwarber hit a single off Corey Kluber in the fifth inning."
    )
    # the same verb with another subject and object is another act
    assert details("Police searched the house.", [], [donor("Soldiers searched the car in Leeds.")]) == ()
    # the other outlet's lead, were it another fact: "prisoners" is a common noun, "each" a telling's word only
    assert details(LEAD, [], [donor(OTHER_LEAD, "003", 0)]) == ()


def taken_in_related(sentence: str, *related: Sentence) -> str:
    for detail in reversed(details(sentence, [], related)):
        sentence = sentence[: detail.at] + detail.text + sentence[detail.at :]
    return sentence


def test_a_word_inside_a_compound_or_in_another_number_gives_nothing():
    # "the biggest [prisoner] of war swap": the seeds' other sentence once gave "prisoners [of war swap]"
    # and "prisoners [between the nations]"; a singular "prisoner" is no telling of "1000 prisoners"
    biggest = donor("The release of 1,000 PoWs is the biggest prisoner of war swap between the nations so far.")
    assert details(LEAD, [biggest], [biggest]) == ()


def test_long_phrases_are_not_details_and_one_telling_gives_a_word_its_details():
    long_place = "in the " + " ".join(["old"] * MAX_DETAIL_WORDS) + " harbour"
    assert details("Police searched the boat.", [donor(f"Police searched the boat {long_place}.")]) == ()
    first, second = donor("Police searched the boat in Dover.", "a"), donor("Police searched the boat at sea.", "b")
    found = details("Police searched the boat.", [first, second])
    assert [(d.text, d.source) for d in found] == [(" in Dover", ("a", 0))]
