"""Excerpts of long texts: the searched words are found and marked wherever they are, without stemming the whole
text (only the passages where their letters appear)."""

from intranet.search import _passages, excerpt, query_terms

FILLER = "Compte rendu de la réunion du conseil sans rapport avec la recherche. " * 250  # ~18,000 characters


def test_a_word_near_the_end_of_a_long_text_is_marked():
    text = FILLER + "Les pénalités de retard du marché de voirie sont appliquées. " + FILLER[:500]
    found = excerpt(text, query_terms("pénalités voirie"))
    assert "<mark>pénalités</mark>" in found and "<mark>voirie</mark>" in found
    assert len(_passages(text, query_terms("pénalités voirie"), 240)) < 1000  # only the passage is analysed


def test_letters_inside_another_word_first_still_find_the_word_itself():
    # « lot » starts no word before the end ("pilote", "ballots"): the word itself is found and marked.
    text = "Le pilote des ballots " * 400 + "Le lot numéro 2 est attribué."
    assert "<mark>lot</mark>" in excerpt(text, query_terms("lot"))


def test_a_word_whose_letters_only_appear_elsewhere_falls_back_to_the_whole_text():
    # « marchés » folds to « marches »: its stem's letters appear first in « marchepied » (a passage without the
    # word); the whole text is then looked through.
    text = "Un marchepied. " + "Texte sans rapport. " * 600 + "Les marchés publics."
    assert "<mark>marchés</mark>" in excerpt(text, query_terms("marchés"))


def test_short_texts_and_unfoldable_letters_are_analysed_whole():
    assert _passages("Court texte.", query_terms("texte"), 240) == "Court texte."
    text = "Sans rapport. " * 400 + "Une œuvre d'art."
    assert "<mark>œuvre</mark>" in excerpt(text, query_terms("œuvre"))


CORPUS = (
    "Les marchés publics de la commune : l'appel d'offres ouvert, les accords-cadres et la procédure adaptée (MAPA). "
    "Un avis d'appel public à la concurrence précise les critères d'attribution, les pénalités de retard, les "
    "variantes et l'allotissement ; les candidats déposent leur offre avant la date limite. Œuvres d'art, écoles, "
    "hôpitaux, lycées : énergie, électricité, chauffage, entretien des espaces verts, restauration scolaire, "
    "nettoyage des locaux. Es-tu sûr ? Ils ont dû négocier ; elles négocièrent les prix unitaires des bordereaux. "
    "Yeux, aïeux, qu'il soit, jusqu'à l'été 2027-T0001 : sous-traitance, dématérialisation, DUME, CCAP, CCTP."
)


def test_excerpts_mark_exactly_what_the_index_analysis_finds():
    """Excerpts stem only the words that may be a searched term: they mark exactly what highlighting with the
    index's whole analysis marks, for every word of a French text searched on its own or with another."""
    from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

    from intranet.search_backends import french_analyzer

    def whole_analysis(text, terms):
        formatter = HtmlFormatter(tagname="mark", between=" … ", classname="", termclass="")
        formatter.template = "<%(tag)s>%(t)s</%(tag)s>"
        return highlight(text, terms, french_analyzer(), ContextFragmenter(maxchars=240, surround=80), formatter, top=2)

    words = sorted(set(CORPUS.replace("'", " ").replace("’", " ").split()))
    searches = [*words, *(f"{a} {b}" for a, b in zip(words, reversed(words), strict=True))]
    compared = 0
    for search in searches:
        terms = query_terms(search)
        if terms:
            assert excerpt(CORPUS, terms) == whole_analysis(CORPUS, terms), search
            compared += 1
    assert compared > 100 and "<mark>négocièrent</mark>" in excerpt(CORPUS, query_terms("négociation"))


def test_a_stop_word_whose_folded_form_is_a_searched_term_is_marked_as_whoosh_marks_it():
    """« été » is a stop word: Whoosh's analysis folds it to `ete` without stemming it, and its highlighting marks
    it wherever `ete` is a searched term (a stem another word may give); so does the excerpt, not « étés » (another
    stop word, folded to `etes`) nor « étendue » (stemmed)."""
    from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

    from intranet.search_backends import french_analyzer

    text = "Les travaux d'été sont finis ; les étés prochains aussi, sur toute l'étendue du chantier."
    terms = frozenset({"ete"})
    formatter = HtmlFormatter(tagname="mark", between=" … ", classname="", termclass="")
    formatter.template = "<%(tag)s>%(t)s</%(tag)s>"
    expected = highlight(text, terms, french_analyzer(), ContextFragmenter(maxchars=240, surround=80), formatter, top=2)
    assert excerpt(text, terms) == expected
    assert "<mark>été</mark>" in expected and "<mark>" not in expected.replace("<mark>été</mark>", "")
