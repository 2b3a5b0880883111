"""Analysis without an index: inflection, folding, compounds, stop words, aliases and highlights."""

from knowledge.search.analysis import (
    Synonyms,
    compound_parts,
    fold,
    highlight,
    query_words,
    split_compound,
    text_analyzer,
)


def terms(text: str, language: str = "sv") -> set[str]:
    return {token.text for token in text_analyzer(language)(text)}


def test_swedish_inflections_share_a_stem() -> None:
    assert terms("kommunerna") == terms("kommun")
    assert terms("lärdomar") == terms("lärdom")


def test_umlaut_plural_meets_its_singular() -> None:
    assert terms("bostäderna") == terms("bostad")
    assert terms("städer") == terms("stad")
    assert terms("böcker") == terms("bok")
    assert terms("fötter") == terms("fot")


def test_umlaut_rule_leaves_unknown_words_alone() -> None:
    # "väder" (weather) is not a plural of "vad".
    assert terms("väder") != terms("vad")


def test_english_inflections_share_a_stem() -> None:
    assert terms("municipalities", "en") == terms("municipality", "en")
    assert terms("relocated", "en") == terms("relocation", "en") or terms("relocating", "en") == terms(
        "relocate", "en"
    )


def test_folding_keeps_swedish_letters_and_strips_other_accents() -> None:
    assert fold("Idé Árjepluovve ÖVERKALIX Åre Ä") == "ide arjepluovve överkalix åre ä"
    assert fold("får") != fold("far")


def test_stop_words_are_not_indexed() -> None:
    assert terms("brist på bostäder i Kiruna") == terms("brist bostäder Kiruna")
    assert "the" not in terms("the lessons", "en")


def test_compounds_split_into_dictionary_lemmas_with_linking_letters() -> None:
    assert split_compound("bostadsbrist") == ("bostad", "brist")  # -s-
    assert split_compound("kompetensförsörjning") == ("kompetens", "försörjning")
    assert split_compound("förskoleplats") == ("förskola", "plats")  # -e- for the dropped -a
    assert split_compound("skolskjuts") == ("skola", "skjuts")  # dropped final vowel


def test_compounds_of_any_dictionary_words_split_not_only_the_programmes_words() -> None:
    # Words the old hand-made list did not have (the examples).
    assert split_compound("vägunderhåll") == ("väg", "underhåll")
    assert split_compound("hemtjänstpersonal") == ("hem", "tjänst", "personal")


def test_three_parts_and_an_inflected_last_part() -> None:
    assert split_compound("kulturföreningsbidrag") == ("kultur", "förening", "bidrag")
    assert split_compound("testveckor") == ("test", "vecka")
    assert split_compound("bostadsbristen") == ("bostad", "brist")


def test_the_index_gets_the_parts_of_parts_too() -> None:
    # Split into its three words at once; a part that is itself a compound would be split too.
    assert set(compound_parts("sjukvårdspersonalen")) == {"sjuk", "vård", "personal"}


def test_words_are_not_split_into_rarer_pieces_or_after_a_particle() -> None:
    assert split_compound("transport") is None  # trans + port are rarer than transport
    assert split_compound("förskola") is None  # för- is a prefix here, not a word
    assert split_compound("genomförda") is None


def test_unknown_words_are_not_split() -> None:
    assert split_compound("jokkmokk") is None
    assert split_compound("hackathon") is None


def test_stemmer_is_the_current_snowball() -> None:
    # Whoosh's bundled stemmers gave "ansvaret" and "added" -> "ad"; these are Snowball's official outputs.
    assert terms("ansvaret") == {"ansvar"}
    assert terms("anbudet") == {"anbud"}
    assert terms("added", "en") == {"add"}


def test_a_compound_is_indexed_with_its_parts() -> None:
    assert terms("brist") <= terms("bostadsbristen")
    assert terms("bostäder") <= terms("bostadsbristen")


def test_a_compound_query_also_asks_for_its_parts_together() -> None:
    (word,) = query_words("bostadsbrist", "sv")
    assert set(word.split) == terms("bostad brist")


def test_aliases_expand_a_query_word() -> None:
    synonyms = Synonyms([["Kiruna", "kiruna", "Giron", "Kiiruna"]])
    (word,) = query_words("Giron", "sv", synonyms)
    assert terms("Kiruna") <= word.terms()
    assert synonyms.equivalents("kiiruna") == {"kiruna", "giron"}


def test_highlight_marks_matching_words_and_escapes_html() -> None:
    text = "Vi såg <stor> brist på bostäder för nya invånare i Kiruna."
    marked = highlight(text, terms("bostad brist"), "sv")
    assert "<mark>brist</mark>" in marked
    assert "<mark>bostäder</mark>" in marked
    assert "&lt;stor&gt;" in marked


def test_highlight_picks_the_passage_with_the_matches() -> None:
    text = "Inledning. " * 60 + "Här står det om distansarbete och coworking. " + "Slut. " * 60
    marked = highlight(text, terms("distansarbete"), "sv", length=120)
    assert "<mark>distansarbete</mark>" in marked
    assert marked.startswith("…")
    assert marked.endswith("…")


def test_the_headword_of_a_first_part_is_the_noun_the_form_stands_for() -> None:
    assert split_compound("beslutsunderlag") == ("beslut", "underlag")  # not the verb besluta
    assert split_compound("lönesamtal") == ("lön", "samtal")  # a linking -e-
    assert split_compound("krockkuddar") == ("krock", "kudde")  # a noun before a verb (krocka)


def test_an_unlisted_verb_stem_begins_a_compound_as_its_verb() -> None:
    # The dictionary lists some verb stems as compound forms (bygg-, sök-); these it does not (bench/dev/).
    assert split_compound("läsår") == ("läsa", "år")
    assert split_compound("täljkniv") == ("tälja", "kniv")
    assert split_compound("rivstart") == ("riva", "start")


def test_a_verb_stem_is_no_first_part_where_a_noun_reading_exists_or_the_piece_is_a_particle() -> None:
    assert split_compound("krockkuddar") == ("krock", "kudde")  # the noun krock, not the verb krocka
    assert split_compound("genomförda") is None  # genom- is a particle, whatever verb it resembles


def test_the_last_part_is_the_lemma_of_its_inflected_form() -> None:
    assert split_compound("fotbollsspelarna") == ("fotboll", "spelare")  # not spela
    assert split_compound("spelfilmer") == ("spel", "film")


def test_a_consonant_written_twice_for_three() -> None:
    assert split_compound("toppolitiker") == ("topp", "politiker")


def test_particle_verbs_and_derivations_are_not_compounds() -> None:
    assert split_compound("sammankallade") is None  # an adverb and a verb
    assert split_compound("förutsätts") is None
    assert split_compound("tillgänglighet") is None  # -het is a suffix, not the adjective "het"
    assert split_compound("hjärtligt") is None


def test_english_query_words_are_translated_for_the_swedish_fields() -> None:
    home, care = query_words("home care", "sv")
    assert ("hem",) in home.alternatives
    assert ("vård",) in care.alternatives
    (schools,) = query_words("schools", "sv")  # matched on the English stem
    assert terms("skola") <= {term for alternative in schools.alternatives for term in alternative}


def test_a_swedish_word_is_never_translated() -> None:
    (plan,) = query_words("plan", "sv")
    assert plan.alternatives == ((next(iter(terms("plan"))),),)
