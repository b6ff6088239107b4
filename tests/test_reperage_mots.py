"""La recherche de mots rapide (``reperer_mots``, ``premiers_mots``, ``contient_mots``) trouve
exactement ce que trouvait la recherche d'origine, gardée ici comme référence : la clé de
``cle_expr`` et, mot par mot, le motif Unicode de ``motif_mots`` (``\\b``), cherché par polars.

La version rapide remplace chaque lettre non ASCII de la clé par « Z » et cherche avec « \\b » et
« \\w » ASCII : les textes ci-dessous mettent des lettres et des signes non ASCII, et des « Z »,
autour des mots, et des mots eux-mêmes non ASCII (recherche Unicode de repli).
"""

from __future__ import annotations

import polars as pl
from calculs_d_origine import cle_expr_origine, motif_mots_origine, premiers_mots_origine
from hypothesis import given, settings
from hypothesis import strategies as st

from cdv_regles.derivations import contient_mots, motif_mots, premiers_mots, reperer_mots

GROUPES = {
    "sport": ["sport*", "activité physique"],
    "familles": ["parentalité", "parental*", "soutien aux parents", "0-6 ans", "0/6 ans", "l'éveil"],
    "écologie": ["transition écologique", "écologi*", "vélo*", "jardin*"],
    "emploi": ["demandeurs d'emploi", "accès à l'emploi", "seniors"],
    "vide": ["---", "*"],
    "sans mot": [],
}
# Des mots dont la clé n'est pas ASCII, ou finit par un signe : la recherche Unicode de repli.
GROUPES_UNICODE = {**GROUPES, "signes": ["c++", "c+*", "1 €", "π*"], "grec": ["ελληνικά"]}

TEXTES = [
    None, "", "  ", "Sport pour tous", "SPORTIVES", "Transport solidaire", "sport—culture", "—sport",
    "sportß", "sportπ", "sport\u200d", "sport‿club", "sport_club", "sport2", "sport\x7f", "sportZ",
    "ＳＰＯＲＴ", "ѕport (cyrillique)", "Éveil des tout-petits", "L'ÉVEIL", "e\u0301veil", "l’éveil musical",
    "Soutien aux PARENTS d'ados", "parentalité", "parentales", "parentalitéβ", "٠-6 ans", "0-6 ans",
    "0/6 ans", "0 / 6 ans", "Transition ÉCOLOGIQUE", "écologie, vélo et jardins", "vélo’s", "Vélo-école",
    "jardinœ", "jardinæ", "Accès à l'emploi des seniors", "demandeurs d’emploi", "seniors…", "séniors",
    "c++ pour tous", "c+x", "c+ ", "1 € symbolique", "π-day", "Ελληνικά", "ελληνικάβ",
    "activité physique adaptée", "activités physiques", "Straße du sport", "ǅ sport", "ﬁt sport",
]


def _comparer(textes: list[str | None], groupes: dict[str, list[str]]) -> None:
    df = pl.DataFrame({"a": textes, "b": list(reversed(textes)), "n": list(range(len(textes))),
                       "vide": [None] * len(textes)},
                      schema={"a": pl.String, "b": pl.String, "n": pl.Int64, "vide": pl.String})
    for colonnes in (["a", "b"], ["b"], ["a", "n"], ["vide", "a", "vide"], []):
        attendu = premiers_mots_origine(df, colonnes, groupes)
        assert premiers_mots(df, colonnes, groupes) == attendu, colonnes
        reperes = reperer_mots(df, colonnes, groupes)
        assert reperes["rang"].to_list() == [i for i, r in enumerate(attendu) if any(r.values())]
        for rang, trouves in reperes.iter_rows():
            assert trouves == [{"groupe": g, "mot": p[0], "colonne": p[1]}
                               for g, p in attendu[rang].items() if p is not None]
    for mots in [*groupes.values(), [m for ms in groupes.values() for m in ms]]:
        reference = df.select(cle_expr_origine(pl.col("a")).str.contains(motif_mots_origine(mots)))["a"].to_list()
        assert df.select(contient_mots(pl.col("a"), mots))["a"].to_list() == reference, mots
        # mot_trouve (re) garde le motif d'origine, mot par mot
        assert all(motif_mots([m]) == motif_mots_origine([m]) for m in mots), mots


def test_la_recherche_rapide_trouve_ce_que_trouvait_la_recherche_d_origine() -> None:
    _comparer(TEXTES, GROUPES)
    _comparer(TEXTES * 3, GROUPES)  # des textes qui se répètent : une clé par texte distinct
    reperes = premiers_mots(pl.DataFrame({"a": TEXTES}), ["a"], GROUPES)
    # Quelques réponses attendues, pour que la référence elle-même ne dérive pas.
    assert reperes[TEXTES.index("sport—culture")]["sport"] == ("sport*", "a")
    assert reperes[TEXTES.index("—sport")]["sport"] is None
    assert reperes[TEXTES.index("sportß")]["sport"] == ("sport*", "a")
    assert reperes[TEXTES.index("parentalitéβ")]["familles"] == ("parental*", "a")
    assert reperes[TEXTES.index("L'ÉVEIL")]["familles"] == ("l'éveil", "a")
    assert reperes[TEXTES.index("Transport solidaire")]["sport"] is None
    assert reperes[TEXTES.index("jardinœ")]["écologie"] == ("jardin*", "a")


def test_la_recherche_de_repli_pour_des_mots_non_ascii() -> None:
    _comparer(TEXTES, GROUPES_UNICODE)
    reperes = premiers_mots(pl.DataFrame({"a": TEXTES}), ["a"], GROUPES_UNICODE)
    assert reperes[TEXTES.index("π-day")]["signes"] == ("π*", "a")
    assert reperes[TEXTES.index("Ελληνικά")]["grec"] == ("ελληνικά", "a")
    assert reperes[TEXTES.index("ελληνικάβ")]["grec"] is None


def test_tableau_vide_ou_sans_mot() -> None:
    vide = pl.DataFrame({"a": []}, schema={"a": pl.String})
    assert reperer_mots(vide, ["a"], GROUPES).height == 0
    assert reperer_mots(pl.DataFrame({"a": ["rien ici"]}), ["a"], GROUPES).height == 0
    assert reperer_mots(pl.DataFrame({"a": ["sport"]}), ["a"], {}).height == 0


# Des morceaux de mots-clés et des caractères qui changent la réponse à côté d'eux.
_MORCEAUX = st.sampled_from(["sport", "vélo", "jardin", "parental", "ité", "éveil", "l'", "d'", "0", "6",
                             " ans", "/", "-", " ", "’", "—", "ß", "π", "œ", "Z", "\x7f", "\u200d", "‿", "_",
                             "2", "٠", "É", "e\u0301", "c++", "€", ".", ",", "(", "ελληνικά", "ﬁ", "st", "ste"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(_MORCEAUX, max_size=8).map("".join)), min_size=1, max_size=12))
def test_la_recherche_rapide_sur_des_textes_au_hasard(textes: list[str | None]) -> None:
    _comparer(textes, GROUPES)
    _comparer(textes, GROUPES_UNICODE)
