"""Les éléments inconnus d'une cellule-liste (``inconnus()``, ``tous_dans()``) : le calcul rapide
(clés une fois par valeur distincte) rend exactement ce que rendait le calcul d'origine, gardé
ici comme référence (clé de chaque élément, croisement élément par élément avec le contexte)."""

from __future__ import annotations

import polars as pl
from calculs_d_origine import cle_expr_origine, inconnus_origine
from hypothesis import given, settings
from hypothesis import strategies as st

from cdv_regles.derivations import Derivation, cle_expr
from cdv_regles.referentiels import Referentiel, cle_nom


def _referentiels() -> tuple[Referentiel, Referentiel]:
    communes = Referentiel("communes", ["Valenciennes", "Saint-Saulve", "Quiévrechain", "Onnaing"])
    for v in communes.valeurs:
        communes.cles[cle_nom(v)] = v
    qpv = Referentiel("qpv", ["Chasse Royale", "Centre-Ville (Quiévrechain)", "Centre-Ville (Onnaing)"])
    qpv.cles[cle_nom("Chasse Royale")] = "Chasse Royale"
    for nom, commune in (("Centre-Ville (Quiévrechain)", "Quiévrechain"), ("Centre-Ville (Onnaing)", "Onnaing")):
        qpv.cles[cle_nom(nom)] = nom
        qpv.qualifiees[(cle_nom("Centre-Ville"), cle_nom(commune))] = nom
    return communes, qpv


COMMUNES = ["Valenciennes", "VALENCIENNES", "St Saulve", "Saint-Saulve", "saint saulve", "Quievrechain",
            "Quiévrechain", "Onnaing", "Paris", "Valencienne", "", " ", "Valenciennes\u0301", "٠59"]
QPV = ["Chasse Royale", "chasse-royale", "Centre-Ville", "centre ville", "Centre-Ville (Onnaing)", "Inconnu",
       "Centre Ville (Quiévrechain)", "", "Centre-Villes"]


def _comparer(communes: list[list[str | None] | None], qpv: list[list[str | None] | None]) -> None:
    ref_communes, ref_qpv = _referentiels()
    df = pl.DataFrame({"communes": communes, "qpv": qpv},
                      schema={"communes": pl.List(pl.String), "qpv": pl.List(pl.String)})
    for d in (Derivation("communes", ref_communes, None), Derivation("qpv", ref_qpv, "communes"),
              Derivation("qpv", ref_qpv, None)):
        attendu = inconnus_origine(d, df)
        obtenu = d.calculer(df)
        assert obtenu.name == attendu.name and obtenu.dtype == attendu.dtype
        assert obtenu.to_list() == attendu.to_list(), d.nom


def test_les_inconnus_comme_le_calcul_d_origine() -> None:
    communes = [["Valenciennes"], ["Paris", "Valenciennes", "Paris"], None, [], [None, "Lille"],
                ["Onnaing"], ["Quiévrechain", "Onnaing"], ["Valenciennes"]]
    qpv = [["Chasse Royale"], ["Centre-Ville"], ["Centre-Ville"], None, ["Inconnu", None, "Centre-Ville"],
           ["Centre-Ville", "Centre-Ville", "Inconnu"], ["Centre-Ville"], ["Centre-Ville", "Chasse Royale"]]
    _comparer(communes, qpv)
    _, ref_qpv = _referentiels()
    df = pl.DataFrame({"communes": communes, "qpv": qpv})
    # Le résultat lui-même : « Centre-Ville » n'est connu qu'avec Onnaing ou Quiévrechain.
    assert Derivation("qpv", ref_qpv, "communes").calculer(df).to_list() == [
        [], ["Centre-Ville"], ["Centre-Ville"], [], ["Inconnu", "Centre-Ville"], ["Inconnu"], [],
        ["Centre-Ville"]]


def test_tableau_vide() -> None:
    _comparer([], [])


_listes = st.one_of(st.none(), st.lists(st.one_of(st.none(), st.sampled_from(COMMUNES)), max_size=4))
_listes_qpv = st.one_of(st.none(), st.lists(st.one_of(st.none(), st.sampled_from(QPV)), max_size=4))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(_listes, _listes_qpv), max_size=15))
def test_les_inconnus_au_hasard(lignes: list[tuple[list[str | None] | None, list[str | None] | None]]) -> None:
    _comparer([c for c, _ in lignes], [q for _, q in lignes])


CLES_PIEGES = ["", " ", "  a  ", "l'Éveil", "L' éveil", "d’ici", "l d x", "x l d", "st", "ste", "st ste", "Ste-Marie",
               "St.Saulve", "st  saulve", "Œuvre", "ÆON", "a\u00a0\u2009b", "a\t\nb", "a\u3000b", "a\u200bb",
               "٠-6 ans", "０-６", "ﬁn", "Ⅻ", "e\u0301", "(x)", "a,b.c", "` ´", "l", "d", "l l", "st st st",
               "x st", "x ste y st", "ß", "İstanbul", None]


def _comparer_cles(textes: list[str | None]) -> None:
    df = pl.DataFrame({"t": textes}, schema={"t": pl.String})
    assert df.select(cle_expr(pl.col("t")))["t"].to_list() == \
        df.select(cle_expr_origine(pl.col("t")))["t"].to_list()


def test_la_cle_comme_la_cle_d_origine() -> None:
    _comparer_cles(CLES_PIEGES)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list(" \u00a0\t\n-'’‘`´.,()ldsteLDSTÉéœæx0٠\u0301\u3000")),
                        max_size=12), max_size=20))
def test_la_cle_au_hasard(textes: list[str]) -> None:
    _comparer_cles(textes)
