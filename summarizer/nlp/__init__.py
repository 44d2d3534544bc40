"""Language helpers every stage may use: the spaCy parse (``analyze``), WordNet (``lexicon``), word
helpers (``text``), NLTK Punkt data (``punkt_data``) and article extraction from whole pages
(``extract``). No model of ours and no brief record lives here."""
