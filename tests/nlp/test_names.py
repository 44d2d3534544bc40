from summarizer.nlp.names import bare_surnames, full_names, surname


def test_full_names_by_first_name_or_title():
    names = full_names("Vladimir Medinsky met President Zelensky in Istanbul.")
    assert names == {"medinsky": "Vladimir Medinsky", "zelensky": "President Zelensky"}


def test_bare_surnames_and_their_comparison_form():
    assert bare_surnames("Umerov said Medinsky had left.") == {"umerov", "medinsky"}
    assert bare_surnames("Rustem Umerov said so.") == frozenset()
    assert surname("Medinsky’s") == surname("Medinsky's") == "medinsky"


def test_a_known_surname_standing_alone_is_bare_even_where_the_tagger_sees_no_person():
    # an unseen brief ended on "Mitalipov cancelled his holiday plans." (the tagger found no person in it), a
    # surname the brief never introduced; the story gives the full name elsewhere
    known = frozenset({"mitalipov"})
    assert bare_surnames("Mitalipov cancelled his holiday plans.") == frozenset()
    assert bare_surnames("Mitalipov cancelled his holiday plans.", known) == {"mitalipov"}
    assert bare_surnames("Mitalipov cancelled his holiday plans.", frozenset({"umerov"})) == frozenset()
    # a word of a longer name is no surname standing alone (an unseen story's "Aamir Liaquat Hussain" and
    # "Haslet-Davis" lost briefs their sentences when it was)
    assert bare_surnames("Aamir Liaquat Hussain presented the show.", frozenset({"aamir"})) == frozenset()
    assert bare_surnames("Haslet-Davis said she was training.", frozenset({"haslet", "davis"})) == frozenset()


def test_a_known_surname_is_bare_whatever_the_tagger_calls_it_but_not_as_a_modifier_plural_or_function_word():
    # an unseen brief opened on "Bryant might be right." ("Bryant" read as an adjective), its story's
    # "Kris Bryant" named only later
    assert bare_surnames("Bryant might be right.", frozenset({"bryant"})) == {"bryant"}
    # a word of the sentence that only looks like a story's surname
    assert bare_surnames("Young people rallied outside the court.", frozenset({"young"})) == frozenset()
    assert bare_surnames("In his first season with the Sixers, he won.", frozenset({"sixers"})) == frozenset()
    assert bare_surnames("Will the other candidates ignore him?", frozenset({"will"})) == frozenset()
