"""Les éléments inconnus d'une cellule-liste (``inconnus()``, ``tous_dans()``) : le calcul rapide
(clés une fois par valeur distincte) rend exactement ce que rendait le calcul d'origine, gardé
ici comme référence (clé de chaque élément, croisement élément par élément avec le contexte)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from cdv_regles.derivations import Derivation, cle_expr
from cdv_regles.referentiels import Referentiel, cle_nom


def _reference(d: Derivation, df: pl.DataFrame) -> pl.Series:
    """Le calcul d'origine, élément par élément."""
    ref = d.referentiel
    cols = [pl.int_range(pl.len()).alias("_i"), pl.col(d.colonne).alias("v")]
    if d.selon:
        cols.append(pl.col(d.selon).alias("c"))
    elements = (
        df.select(cols).explode("v").drop_nulls("v")
        .with_columns(pl.int_range(pl.len()).over("_i").alias("_p"), cle_expr(pl.col("v")).alias("k"))
    )
    elements = elements.with_columns(pl.col("k").is_in(list(ref.cles)).alias("connu"))
    if d.selon and ref.qualifiees:
        qualifiees = [f"{a}|{b}" for a, b in ref.qualifiees]
        croises = (
            elements.filter(~pl.col("connu")).explode("c").drop_nulls("c")
            .with_columns((pl.col("k") + "|" + cle_expr(pl.col("c"))).is_in(qualifiees).alias("q"))
            .group_by("_i", "_p").agg(pl.col("q").any())
        )
        elements = elements.join(croises, on=["_i", "_p"], how="left").with_columns(
            (pl.col("connu") | pl.col("q").fill_null(False)).alias("connu"))
    inconnus = (
        elements.filter(~pl.col("connu")).sort("_i", "_p")
        .group_by("_i", maintain_order=True).agg(pl.col("v"))
    )
    tout = pl.DataFrame({"_i": pl.int_range(df.height, eager=True)})
    return (
        tout.join(inconnus, on="_i", how="left")
        .sort("_i")["v"].fill_null(pl.lit([], dtype=pl.List(pl.String))).alias(d.nom)
    )


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
        attendu = _reference(d, df)
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
