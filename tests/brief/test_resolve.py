from summarizer.brief.pipeline import prepare
from summarizer.brief.resolve import resolve
from summarizer.brief.types import Sentence


def _kept(*texts: str, article: str = "a") -> list[Sentence]:
    return [Sentence(article, i, 0, len(t), t, i / len(texts)) for i, t in enumerate(texts)]


def test_the_seeds_he_and_bare_surnames_get_the_full_name_their_article_gives(seeds):
    kept = prepare(seeds).cleaned.kept
    resolved = resolve(kept)
    by_text = {kept[row].text: r for row, r in resolved.items()}
    # the real seed sentences a brief lifted with "He" and a surname alone (issue 21)
    he = next(r for text, r in by_text.items() if text.startswith("He also accepted Ukraine's request"))
    assert he.text.startswith("Vladimir Medinsky also accepted Ukraine's request")
    assert he.replaced == (("He", "Vladimir Medinsky"),)
    assert [kept[a].text for a in he.antecedents] == [
        s.text for s in kept if s.text.startswith("Vladimir Medinsky, one of Russian President")
    ]
    bare = next(r for text, r in by_text.items() if text.startswith("Medinsky confirmed that both sides"))
    assert bare.text.startswith("Vladimir Medinsky confirmed that both sides")
    # an introduction by title is one: "President Zelensky" stays as written
    assert all("President President" not in r.text for r in resolved.values())


def test_a_surname_keeps_its_possessive_and_is_named_in_full_once():
    kept = _kept(
        "Vladimir Medinsky led the Russian delegation.",
        "Medinsky's aides said Medinsky would return on Monday.",
    )
    resolution = resolve(kept)[1]
    assert resolution.text == "Vladimir Medinsky's aides said Medinsky would return on Monday."
    assert resolution.antecedents == (0,) and resolution.described == frozenset()


def test_references_it_cannot_resolve_are_left_as_written():
    kept = _kept(
        "Anna Lee met Tom Hart in Paris.",
        "He said the talks went well.",  # two people before it: which one?
        "Smith was not there.",  # never named in full in this article
        "The minister arrived.",
        "She left early.",  # the sentence before names no one
    )
    kept += _kept("John Smith spoke first.", "Filler sentence.", "Smith was not there.", article="b")
    resolved = resolve(kept)
    assert set(resolved) == {7}  # only article b's "Smith", introduced in b
    assert resolved[7].text == "John Smith was not there."


def test_a_pronoun_needs_the_sentence_right_before_it():
    kept = _kept("Maria Ruiz spoke first.", "He said it was late.")
    assert resolve(kept)[1].text == "Maria Ruiz said it was late."
    assert resolve(kept)[1].antecedents == (0,)
    gap = [kept[0], Sentence("a", 5, 0, 20, "He said it was late.", 0.5)]  # sentences between them were cut
    assert resolve(gap) == {}


def test_his_her_and_the_speaker_of_a_quote_get_the_one_person_named_before():
    kept = _kept(
        "Anissa Weier was 12 when the attack happened.",
        "Her attorney said she had been manipulated.",  # "Her" → the person before, with 's
        '"She did not understand what was real," she said.',  # the speaker of the quotation it closes
        "He added that the trial would start in March.",  # chained: the sentence before was resolved
    )
    resolved = resolve(kept)
    assert resolved[1].text == "Anissa Weier's attorney said she had been manipulated."
    assert resolved[1].replaced == (("Her", "Anissa Weier's"),) and resolved[1].antecedents == (0,)
    assert resolved[2].text == '"She did not understand what was real," Anissa Weier said.'
    assert resolved[3].text.startswith("Anissa Weier added")
    assert resolved[3].antecedents == (0,)  # the sentence that named her in full is cited
    assert resolve(_kept("Tom Hanks spoke.", "His film opens Friday."))[1].text == "Tom Hanks' film opens Friday."


def test_pronouns_that_may_be_someone_else_are_left_as_written():
    # real dev sentences whose "she"/"her" is not (surely) the person of the sentence before
    kept = _kept(
        "Doug LaMalfa has not taken a position on the effort.",
        "When asked for the congressman's opinion, she said that she and other staff members supported it.",
        "Their attorneys had been fighting to move them into juvenile court.",  # plural: not one person
        "Mary Smith met the mayor.",
        "The mayor told her the plan was dead, she said.",  # no quotation closed before "she"
        "Anna Cole called the police.",
        '"Nothing happened," Mark Stone told her, she said.',  # the sentence names someone else
    )
    assert resolve(kept) == {}


def test_he_after_a_sentence_that_calls_someone_he_goes_on_about_them():
    # unseen stories (look-alikes), each resolved to the wrong person and passed by the check, which
    # reads the sources as resolved: the batter's "He" became the reliever the sentence before named,
    # Melania Trump's "She" became Benjamin Netanyahu, Moses Malone's "He" a teammate
    kept = _kept(
        "In Game 2, he drilled one RBI single off reliever Bryan Roe after falling behind 0-2.",
        "He has seen 40 pitches in nine plate appearances.",
        "She did it as she and her husband joined prime minister Benjamin Doe in a photo op.",
        "She did it in front of a veritable United Nations of news cameras.",
        "After he averaged 23.9 points, the Sixers traded him and forward Terry Poe to the Bullets.",
        "He would return in 1993-94 and average 17.1 points at age 38.",
    )
    assert resolve(kept) == {}
    # the person named before is still the one when nobody else is called "he"
    named = _kept("Bryan Roe pitched the ninth inning.", "He has seen 40 pitches in nine plate appearances.")
    assert resolve(named)[1].text == "Bryan Roe has seen 40 pitches in nine plate appearances."


def test_a_thing_named_by_the_alone_gets_the_description_its_article_gave():
    kept = _kept(
        "A hoax caller in Maryland made 28 false distress calls to the Coast Guard.",
        "The caller faces federal charges, officials said.",
        "Police searched the caller's home on Friday.",  # a possessive: "the caller" says which already
    )
    resolved = resolve(kept)
    assert resolved[1].text == "The hoax caller faces federal charges, officials said."
    assert resolved[1].replaced == (("The caller", "The hoax caller"),) and resolved[1].antecedents == (0,)
    assert resolved[1].described == {"The hoax caller"}  # a description, not a person's name
    # MultiLing M001's shape: "the attacks" after "the terrorist attacks"
    kept = _kept(
        "London marked a year since the terrorist attacks of 7 July.",
        "Fifty-two people were killed in the attacks.",
    )
    assert resolve(kept)[1].text == "Fifty-two people were killed in the terrorist attacks."


def test_a_description_that_may_be_of_something_else_is_not_given():
    # real failures of a first version on dev briefs, same shapes: "the state" was California there,
    # a proposed new state before it; "the first such incident" was not "the incident" of the next sentence
    cases = [
        (
            "Residents want to create a proposed state.",
            "The county voted to split from the state of California.",
            "Only 16 percent of the state is rural.",
        ),
        ("It was the first such incident in two years.", "The incident occurred at noon Saturday."),
        ("The 28 calls came from Annapolis.", "The calls cost the Coast Guard $500,000."),  # a number
        ("A hoax caller phoned on Monday.", "A Baltimore caller phoned on Tuesday.", "The caller was charged."),
        # the sentence says it already: "a demonstration in London to protest the London pub" (a dev brief)
        (
            "Protesters gathered outside a London pub.",
            "The page promoted a demonstration in London to protest the pub.",
        ),
        # a rival or a comparison is something else (unseen stories, words changed)
        ("Labs abroad tried a competing technology.", "Critics fear the technology could clone people."),
        ("He wanted them to act like a normal human couple.", "When the couple danced, she leaned away."),
        # an idiom: "on the line" is no cruise line (an unseen story, words changed)
        ("It runs the Norwegian Cruise Line.", "The firm has $4 billion of revenue on the line."),
        # the tagger reads "Ormond" as a person: the brief would name them by surname alone
        ("The Ormond football club signed a new coach.", "The club finished tenth in the league last season."),
    ]
    for texts in cases:
        assert all(not by.lower().startswith("the ") for r in resolve(_kept(*texts)).values() for _, by in r.replaced)


def test_a_speakers_words_are_never_changed():
    kept = _kept(
        "The British government refused an inquiry into the bombings.",
        '"You can\'t trust the government," she said.',
        "You can't put a price on that but apparently the government can.\"",  # a quotation from the sentence before
    )
    assert resolve(kept) == {}
