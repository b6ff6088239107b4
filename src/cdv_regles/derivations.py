"""Colonnes dérivées calculées sur tout le tableau avant l'évaluation des règles.

Chercher les éléments d'une cellule-liste (communes, QPV) absents d'un référentiel demande de
déplier les listes : c'est une opération sur le tableau entier (explode + regroupement), pas une
expression ligne à ligne.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from cdv_regles.referentiels import Referentiel


def cle_expr(e: pl.Expr) -> pl.Expr:
    """Version polars de ``referentiels.cle_nom`` (mêmes clés, calculées en bloc)."""
    s = (
        # Comme cle_nom : un chiffre non ASCII ne se lit pas comme son équivalent ASCII.
        e.str.replace_all(r"[\d&&[^0-9]]", "\ufffd")
        .str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()
        .str.replace_all("œ", "oe").str.replace_all("æ", "ae")
        .str.replace_all(r"[\s\-'’‘`´.,()]+", " ")
        .str.replace_all(r"(^| )[ld]( [ld])*( |$)", " ")
        .str.replace_all(r"(^| )st( |$)", " saint ")
        .str.replace_all(r"(^| )ste( |$)", " sainte ")
        .str.replace_all(r" +", " ").str.strip_chars()
    )
    return s


def motif_mots(mots: list[str]) -> str:
    """Expression régulière qui trouve l'un des mots dans un texte passé par ``cle_expr``.

    Un mot se trouve **entier** : « parents » ne trouve pas « parentalité », « sport » ne trouve
    ni « transport » ni « sportive ». Terminé par « * », il trouve aussi les mots qui commencent
    par lui : « sport* » trouve « sport », « sports » et « sportive », jamais « transport ».
    Les mêmes clés sans casse ni accents que ``referentiels.cle_nom`` ; le motif sert à polars
    comme à ``re`` (pas de recherche en arrière, que polars n'a pas).
    """
    from cdv_regles.referentiels import cle_nom

    parties = set()
    for mot in mots:
        prefixe = mot.rstrip().endswith("*")
        cle = cle_nom(mot.rstrip().rstrip("*"))
        if cle:
            parties.add(re.escape(cle) + (r"\w*" if prefixe else ""))
    if not parties:
        return r"[^\s\S]"  # aucun mot (vides une fois normalisés) : ne trouve rien, ni en polars ni en re
    return "(?:^| )(" + "|".join(sorted(parties, key=len, reverse=True)) + r")\b"


def contient_mots(e: pl.Expr, mots: list[str]) -> pl.Expr:
    """Vrai si le texte contient l'un des mots (sans casse ni accents, mots entiers ; « mot* »
    pour un début de mot, voir ``motif_mots``)."""
    return cle_expr(e.cast(pl.String)).str.contains(motif_mots(mots))


def mot_trouve(texte: str, mot: str) -> bool:
    """Version Python de ``contient_mots`` pour un texte et un mot (même motif, mêmes clés)."""
    from cdv_regles.referentiels import cle_nom

    return re.search(motif_mots([mot]), cle_nom(texte)) is not None


def premiers_mots(df: pl.DataFrame, colonnes: list[str],
                  groupes: dict[str, list[str]]) -> list[dict[str, tuple[str, str] | None]]:
    """Pour chaque ligne et chaque groupe de mots : le premier mot du groupe (dans l'ordre des
    mots, puis des colonnes) trouvé dans une colonne, avec cette colonne ; None sinon.

    Version en bloc de ``mot_trouve`` mot par mot : la clé de chaque colonne est calculée une
    fois, chaque mot cherché par polars sur toute la colonne.
    """
    if not colonnes or not groupes or not df.height:
        return [dict.fromkeys(groupes) for _ in range(df.height)]
    cles = df.select([cle_expr(pl.col(c).cast(pl.String)).alias(f"_c{k}") for k, c in enumerate(colonnes)])
    paires: list[tuple[str, str]] = []
    choix = []
    for g, mots in enumerate(groupes.values()):
        branches = []
        for mot in mots:
            motif = motif_mots([mot])
            for k, c in enumerate(colonnes):
                branches.append(pl.when(pl.col(f"_c{k}").str.contains(motif)).then(pl.lit(len(paires))))
                paires.append((mot, c))
        choix.append((pl.coalesce(branches) if branches else pl.lit(None, dtype=pl.Int64)).alias(f"_g{g}"))
    indices = cles.select(choix).rows()
    return [{nom: (paires[i] if i is not None else None) for nom, i in zip(groupes, r, strict=True)}
            for r in indices]


@dataclass(frozen=True)
class Derivation:
    colonne: str
    referentiel: Referentiel
    selon: str | None

    @property
    def nom(self) -> str:
        return f"__inconnus__{self.colonne}__{self.referentiel.nom}__{self.selon or ''}"

    def __hash__(self) -> int:
        return hash(self.nom)

    def calculer(self, df: pl.DataFrame) -> pl.Series:
        """Pour chaque ligne, la liste des éléments inconnus (texte tel que saisi)."""
        ref = self.referentiel
        cols = [pl.int_range(pl.len()).alias("_i"), pl.col(self.colonne).alias("v")]
        if self.selon:
            cols.append(pl.col(self.selon).alias("c"))
        elements = (
            df.select(cols).explode("v").drop_nulls("v")
            .with_columns(pl.int_range(pl.len()).over("_i").alias("_p"), cle_expr(pl.col("v")).alias("k"))
        )
        elements = elements.with_columns(pl.col("k").is_in(list(ref.cles)).alias("connu"))
        if self.selon and ref.qualifiees:
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
            .sort("_i")["v"].fill_null(pl.lit([], dtype=pl.List(pl.String))).alias(self.nom)
        )
