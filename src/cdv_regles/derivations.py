"""Colonnes dérivées calculées sur tout le tableau avant l'évaluation des règles.

Chercher les éléments d'une cellule-liste (communes, QPV) absents d'un référentiel demande de
déplier les listes : c'est une opération sur le tableau entier (explode + regroupement), pas une
expression ligne à ligne.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from cdv_regles.referentiels import Referentiel


def cle_expr(e: pl.Expr) -> pl.Expr:
    """Version polars de ``referentiels.cle_nom`` (mêmes clés, calculées en bloc)."""
    s = (
        # Comme cle_nom : un chiffre non ASCII ne se lit pas comme son équivalent ASCII.
        e.str.replace_all(r"[\d&&[^0-9]]", "\ufffd")
        .str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()
        .str.replace_many(["œ", "æ"], ["oe", "ae"])
        .str.replace_all(r"[\s\-'’‘`´.,()]+", " ")
        # Chaque remplacement ci-dessous prend les espaces qui l'entourent et en rend un seul : le
        # texte n'a jamais deux espaces de suite (pas de « ' +' » à réduire, 20 % du temps).
        .str.replace_all(r"(^| )[ld]( [ld])*( |$)", " ")
        .str.replace_all(r"(^| )st( |$)", " saint ")
        .str.replace_all(r"(^| )ste( |$)", " sainte ")
        .str.strip_chars()
    )
    return s


def _cles_mots(mots: list[str]) -> list[tuple[str, bool]]:
    """Chaque mot non vide une fois normalisé : sa clé et s'il est un début de mot (« sport* »)."""
    from cdv_regles.referentiels import cle_nom

    cles = []
    for mot in mots:
        prefixe = mot.rstrip().endswith("*")
        cle = cle_nom(mot.rstrip().rstrip("*"))
        if cle:
            cles.append((cle, prefixe))
    return cles


_RIEN = r"[^\s\S]"  # aucun mot (vides une fois normalisés) : ne trouve rien, ni en polars ni en re


def _motif(cles: list[tuple[str, bool]], mot: str, fin: str) -> str:
    parties = {re.escape(cle) + (mot if prefixe else "") for cle, prefixe in cles}
    if not parties:
        return _RIEN
    # Les plus longs d'abord (« sports » avant « sport ») ; à longueur égale, un ordre fixe : celui
    # d'un ensemble changeait d'une exécution à l'autre, donc les mots rendus par mots_trouves().
    return "(?:^| )(" + "|".join(sorted(parties, key=lambda p: (-len(p), p))) + ")" + fin


def motif_mots(mots: list[str]) -> str:
    """Expression régulière qui trouve l'un des mots dans un texte passé par ``cle_expr``.

    Un mot se trouve **entier** : « parents » ne trouve pas « parentalité », « sport » ne trouve
    ni « transport » ni « sportive ». Terminé par « * », il trouve aussi les mots qui commencent
    par lui : « sport* » trouve « sport », « sports » et « sportive », jamais « transport ».
    Les mêmes clés sans casse ni accents que ``referentiels.cle_nom`` ; le motif sert à polars
    comme à ``re`` (pas de recherche en arrière, que polars n'a pas).
    """
    return _motif(_cles_mots(mots), r"\w*", r"\b")


# Recherche rapide. Sur un texte non ASCII, le « \b » Unicode prive polars de son automate rapide
# (une alternative de 58 mots : 20 fois plus lente sur les intitulés) et « \W » coûte cher à
# compiler. Or seul compte, autour d'un mot, qu'un caractère soit une lettre (« \w ») ou non :
# chaque lettre non ASCII devenue « Z », « \b » et « \w » ASCII (pour qui tout octet non ASCII
# est une non-lettre) trouvent exactement les mêmes mots ASCII sans « Z » (une clé n'a pas de
# majuscule), vite compilés et cherchés par l'automate.
_LETTRE = "Z"
_MOT_ASCII, _FIN_ASCII = "(?-u:\\w)*", "(?-u:\\b)"


def _en_ascii(cle: pl.Expr) -> pl.Expr:
    """La clé (``cle_expr``) préparée pour ``_motif_rapide`` (voir plus haut)."""
    return cle.str.replace_all(r"[\w&&[^\x00-\x7f]]", _LETTRE)


def _ascii_possible(cles: list[tuple[str, bool]]) -> bool:
    return all(c.isascii() and _LETTRE not in c for c, _ in cles)


def _motif_rapide(cles: list[tuple[str, bool]]) -> str:
    """Le motif de ``motif_mots`` pour une clé passée par ``_en_ascii`` (mots ASCII seulement)."""
    return _motif(cles, _MOT_ASCII, _FIN_ASCII)


def contient_mots(e: pl.Expr, mots: list[str]) -> pl.Expr:
    """Vrai si le texte contient l'un des mots (sans casse ni accents, mots entiers ; « mot* »
    pour un début de mot, voir ``motif_mots``)."""
    cles = _cles_mots(mots)
    cle = cle_expr(e.cast(pl.String))
    if _ascii_possible(cles):
        return _en_ascii(cle).str.contains(_motif_rapide(cles))
    return cle.str.contains(_motif(cles, r"\w*", r"\b"))


def mot_trouve(texte: str, mot: str) -> bool:
    """Version Python de ``contient_mots`` pour un texte et un mot (même motif, mêmes clés)."""
    from cdv_regles.referentiels import cle_nom

    return re.search(motif_mots([mot]), cle_nom(texte)) is not None


def _cles_colonne(valeurs: pl.Series, nom: str, puis: Callable[[pl.Expr], pl.Expr] | None) -> pl.Series:
    """La clé (``cle_expr``, puis ``puis``) de chaque cellule ; une fois par texte distinct quand
    les textes se répètent (un public « Jeunes 16-25 ans » revient sur des centaines de lignes)."""
    textes = valeurs.cast(pl.String).alias("t")
    cle = cle_expr(pl.col("t"))
    if puis is not None:
        cle = puis(cle)
    if textes.n_unique() * 2 > len(textes):
        return textes.to_frame().select(cle.alias(nom)).to_series()
    distincts = textes.unique().to_frame().with_columns(cle.alias(nom))
    return textes.to_frame().join(distincts, on="t", how="left", maintain_order="left")[nom]


def reperer_mots(df: pl.DataFrame, colonnes: list[str], groupes: dict[str, list[str]]) -> pl.DataFrame:
    """Les lignes où au moins un groupe de mots est trouvé, avec ce que ``premiers_mots`` dit.

    Colonnes : ``rang`` (place de la ligne dans ``df``, à partir de 0, dans l'ordre) et
    ``trouves``, la liste des groupes trouvés (dans l'ordre des groupes), chacun
    ``{groupe, mot, colonne}`` : le premier mot du groupe (ordre des mots, puis des colonnes)
    trouvé dans une colonne.

    La clé de chaque colonne est calculée une fois ; un seul motif écarte les lignes sans aucun
    mot, un par groupe les lignes sans ce groupe ; mot par mot, polars ne relit que ces lignes, et
    seulement pour les mots dont le texte figure dans l'une d'elles.
    """
    schema = {"rang": pl.UInt32, "trouves": pl.List(pl.Struct({"groupe": pl.String, "mot": pl.String,
                                                                "colonne": pl.String}))}
    paires = [(g, mot, c) for g, mots in groupes.items() for mot in mots for c in colonnes]
    if not paires or not df.height:
        return pl.DataFrame(schema=schema)
    cles_mot = {mot: _cles_mots([mot]) for mots in groupes.values() for mot in mots}
    rapide = _ascii_possible([c for cles in cles_mot.values() for c in cles])
    motif = _motif_rapide if rapide else lambda cles: _motif(cles, r"\w*", r"\b")
    # Une colonne toute vide ne trouve rien : ni clé ni motif pour elle.
    noms = {c: f"_c{k}" for k, c in enumerate(dict.fromkeys(colonnes)) if df[c].null_count() < df.height}
    cles = df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("rang"))
    for c, n in noms.items():
        cles = cles.with_columns(_cles_colonne(df[c], n, _en_ascii if rapide else None))

    def presents(mots: list[str]) -> pl.Expr:
        m = motif([c for mot in mots for c in cles_mot[mot]])
        return pl.any_horizontal([pl.col(n).str.contains(m).fill_null(False) for n in noms.values()]
                                 or [pl.lit(False)])

    cles = cles.filter(presents(list(cles_mot)))
    morceaux = []
    debut = 0  # paire k = paires[k] : dans l'ordre des groupes, des mots puis des colonnes
    for mots in groupes.values():
        sous = cles.filter(presents(mots)) if mots and colonnes else cles.clear()
        # Un mot dont le texte n'est dans aucune de ces cellules n'y est pas : pas de motif à
        # compiler pour lui (sur un petit tableau, la compilation coûte plus que la recherche).
        textes = {n: "\n".join(sous[n].drop_nulls().to_list()) for n in noms.values()} if sous.height else {}
        branches = [pl.when(pl.col(noms[c]).str.contains(motif(cles_mot[mot]))).then(pl.lit(debut + k))
                    for k, (mot, c) in enumerate((m, c) for m in mots for c in colonnes)
                    if c in noms and textes and any(cle in textes[noms[c]] for cle, _ in cles_mot[mot])]
        if branches:
            morceaux.append(sous.select("rang", pl.coalesce(branches).cast(pl.UInt32).alias("paire"))
                            .drop_nulls("paire"))
        debut += len(mots) * len(colonnes)
    if not morceaux:
        return pl.DataFrame(schema=schema)
    table = pl.DataFrame({"paire": pl.int_range(len(paires), eager=True, dtype=pl.UInt32),
                          "groupe": [p[0] for p in paires], "mot": [p[1] for p in paires],
                          "colonne": [p[2] for p in paires]})
    return (pl.concat(morceaux).sort("rang", "paire").join(table, on="paire", how="left", maintain_order="left")
            .group_by("rang", maintain_order=True)
            .agg(pl.struct("groupe", "mot", "colonne").alias("trouves")))


def premiers_mots(df: pl.DataFrame, colonnes: list[str],
                  groupes: dict[str, list[str]]) -> list[dict[str, tuple[str, str] | None]]:
    """Pour chaque ligne et chaque groupe de mots : le premier mot du groupe (dans l'ordre des
    mots, puis des colonnes) trouvé dans une colonne, avec cette colonne ; None sinon.

    Version en bloc de ``mot_trouve`` mot par mot (voir ``reperer_mots``).
    """
    resultat: list[dict[str, tuple[str, str] | None]] = [dict.fromkeys(groupes) for _ in range(df.height)]
    if not colonnes or not groupes or not df.height:
        return resultat
    for rang, trouves in reperer_mots(df, colonnes, groupes).iter_rows():
        for t in trouves:
            resultat[rang][t["groupe"]] = (t["mot"], t["colonne"])
    return resultat


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
        # Dans l'ordre des lignes puis de la saisie : l'ordre des éléments d'une ligne est gardé.
        elements = df.select(cols).explode("v").drop_nulls("v")
        # Les clés une fois par valeur distincte : une même commune revient des milliers de fois.
        valeurs = elements.select(pl.col("v").unique())
        inconnues = valeurs.filter(~cle_expr(pl.col("v")).is_in(list(ref.cles)))["v"]
        elements = elements.filter(pl.col("v").is_in(inconnues.implode()))
        if self.selon and ref.qualifiees:
            qualifiees = [f"{a}|{b}" for a, b in ref.qualifiees]
            elements = elements.with_row_index("_e")
            paires = elements.select("_e", "v", "c").explode("c").drop_nulls("c")
            connues = paires.select("v", "c").unique().filter(
                (cle_expr(pl.col("v")) + "|" + cle_expr(pl.col("c"))).is_in(qualifiees))
            reconnus = paires.join(connues, on=["v", "c"], how="semi")["_e"]
            elements = elements.filter(~pl.col("_e").is_in(reconnus.implode()))
        inconnus = elements.group_by("_i", maintain_order=True).agg(pl.col("v"))
        tout = pl.DataFrame({"_i": pl.int_range(df.height, eager=True)})
        return (
            tout.join(inconnus, on="_i", how="left", maintain_order="left")["v"]
            .fill_null(pl.lit([], dtype=pl.List(pl.String))).alias(self.nom)
        )
