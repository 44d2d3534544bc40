from summarizer.nlp.names import bare_surnames, full_names, surname


def test_full_names_by_first_name_or_title():
    names = full_names("Vladimir Medinsky met President Zelensky in Istanbul.")
    assert names == {"medinsky": "Vladimir Medinsky", "zelensky": "President Zelensky"}


def test_bare_surnames_and_their_comparison_form():
    assert bare_surnames("Umerov said Medinsky had left.") == {"umerov", "medinsky"}
    assert bare_surnames("Rustem Umerov said so.") == frozenset()
    assert surname("Medinsky’s") == surname("Medinsky's") == "medinsky"
