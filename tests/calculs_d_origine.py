"""Les calculs d'origine, gardés comme référence pour les versions rapides (issue 15) : les
tests vérifient que ces dernières rendent exactement la même chose, sur des textes piégés et au
hasard. Lents, mais simples : ne pas les « optimiser »."""

from __future__ import annotations

import re

import polars as pl

from cdv_regles.derivations import Derivation
from cdv_regles.referentiels import cle_nom


def motif_mots_origine(mots: list[str]) -> str:
    """``motif_mots`` d'origine : le motif Unicode (``\\b``) que cherchait polars."""
    parties = set()
    for mot in mots:
        prefixe = mot.rstrip().endswith("*")
        cle = cle_nom(mot.rstrip().rstrip("*"))
        if cle:
            parties.add(re.escape(cle) + (r"\w*" if prefixe else ""))
    if not parties:
        return r"[^\s\S]"
    return "(?:^| )(" + "|".join(sorted(parties, key=len, reverse=True)) + r")\b"


def cle_expr_origine(e: pl.Expr) -> pl.Expr:
    """``cle_expr`` d'origine, un remplacement par étape."""
    return (
        e.str.replace_all(r"[\d&&[^0-9]]", "\ufffd")
        .str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()
        .str.replace_all("œ", "oe").str.replace_all("æ", "ae")
        .str.replace_all(r"[\s\-'’‘`´.,()]+", " ")
        .str.replace_all(r"(^| )[ld]( [ld])*( |$)", " ")
        .str.replace_all(r"(^| )st( |$)", " saint ")
        .str.replace_all(r"(^| )ste( |$)", " sainte ")
        .str.replace_all(r" +", " ").str.strip_chars()
    )


def premiers_mots_origine(df: pl.DataFrame, colonnes: list[str], groupes: dict[str, list[str]]
                          ) -> list[dict[str, tuple[str, str] | None]]:
    """La recherche d'origine : chaque (mot, colonne) cherché par polars avec le motif Unicode."""
    cles = df.select([cle_expr_origine(pl.col(c).cast(pl.String)).alias(c) for c in dict.fromkeys(colonnes)])
    trouve = {(mot, c): cles[c].str.contains(motif_mots_origine([mot])).fill_null(False).to_list()
              for mots in groupes.values() for mot in mots for c in colonnes}
    return [{g: next(((mot, c) for mot in mots for c in colonnes if trouve[mot, c][i]), None)
             for g, mots in groupes.items()} for i in range(df.height)]


def inconnus_origine(d: Derivation, df: pl.DataFrame) -> pl.Series:
    """Le calcul d'origine, élément par élément."""
    ref = d.referentiel
    cols = [pl.int_range(pl.len()).alias("_i"), pl.col(d.colonne).alias("v")]
    if d.selon:
        cols.append(pl.col(d.selon).alias("c"))
    elements = (
        df.select(cols).explode("v").drop_nulls("v")
        .with_columns(pl.int_range(pl.len()).over("_i").alias("_p"), cle_expr_origine(pl.col("v")).alias("k"))
    )
    elements = elements.with_columns(pl.col("k").is_in(list(ref.cles)).alias("connu"))
    if d.selon and ref.qualifiees:
        qualifiees = [f"{a}|{b}" for a, b in ref.qualifiees]
        croises = (
            elements.filter(~pl.col("connu")).explode("c").drop_nulls("c")
            .with_columns((pl.col("k") + "|" + cle_expr_origine(pl.col("c"))).is_in(qualifiees).alias("q"))
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
