"""Lignes de total et de sous-total : écartées des dossiers, jamais en silence.

Une ligne du tableau est une ligne de total (règle écrite dans regles/LISEZMOI.md, « Lignes de
total ») quand elle n'a pas de N° de dossier (ou que son N° est lui-même le libellé du total),
qu'elle ne porte rien d'autre que des nombres (montants, effectifs, quelle que soit la colonne)
et, soit un libellé « Total… », « Sous-total… », « Totaux… » (casse et accents indifférents),
soit, sans libellé, des montants égaux aux sommes de la colonne sur les lignes qui précèdent
(depuis le début du tableau ou depuis le total précédent). La ligne de total d'un Tableau Excel
(``totalsRowCount``) en est une par construction.

Un dossier n'est donc jamais écarté pour son nom : « Total Sport » avec un SIRET, un intitulé ou
des dates reste un dossier, N° ou pas.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def vide(c: Any) -> bool:
    return c is None or (c.__class__ is str and (not c or c.isspace()))

NUMERIQUES = frozenset({"montant", "entier", "marqueur"})
_LIBELLE = re.compile(r"^(?:sous[\s\-_]*)?tota(?:l|ux)\b", re.IGNORECASE)


def est_libelle_total(v: Any) -> bool:
    """« TOTAL », « Sous-total orientation 1 », « Total programmation », « Totaux »…"""
    if not isinstance(v, str):
        return False
    # Tri rapide (une ligne sur deux commence par un N° de dossier) : normalisé, le libellé
    # commence par « s » ou « t », donc sa première lettre aussi, une fois décomposée.
    debut = v.lstrip()[:1]
    if not debut or unicodedata.normalize("NFKD", debut)[:1].casefold() not in ("s", "t"):
        return False
    from cdv_regles.contrat import normaliser_entete

    return bool(_LIBELLE.match(normaliser_entete(v)))


def _nombre(v: Any) -> float | None:
    """La valeur d'une cellule de total si c'est un nombre (ou un montant écrit en texte)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, str):
        from cdv_regles import valeurs

        if valeurs.erreur_formule(v):  # « #REF! » dans une somme : toujours un total
            return math.nan
        try:
            return valeurs.lire_montant(v)
        except valeurs.ValeurIllisible:  # pas un montant : ce n'est pas une cellule de total
            return None
    return None


def separer(entetes: Sequence[str], colonnes: list[Sequence[Any]], numeros: list[int],
            index: Mapping[str, Any]) -> tuple[list[Sequence[Any]], list[int], list[tuple[int, str]]]:
    """(colonnes des dossiers, leurs numéros, [(numéro, libellé)] des lignes de total écartées).

    ``colonnes`` : les valeurs de chaque en-tête (une liste, ou une colonne polars pour un CSV lu
    par colonnes), une par ligne (vides : None).
    """
    from cdv_regles.contrat import normaliser_entete

    types = [index.get(normaliser_entete(e)) for e in entetes]
    j_dossier = next((j for j, c in enumerate(types) if c is not None and c.id == "numero_dossier"),
                     None)
    montants = [j for j, c in enumerate(types) if c is not None and c.type == "montant"]
    if j_dossier is None:
        a_voir: Sequence[int] = range(len(numeros))
    else:
        # Le cas courant écarté d'abord : un N° de dossier qui commence par un chiffre ou une
        # lettre ASCII autre que s et t n'est ni vide ni un libellé de total (la ligne est gardée).
        a_voir = _a_voir(colonnes[j_dossier])
    totaux: list[tuple[int, str]] = []
    ecartees: set[int] = set()
    depuis_total = [0.0] * len(entetes)  # sommes depuis le dernier total
    general = [0.0] * len(entetes)  # sommes de tous les dossiers
    n_depuis = 0  # dossiers gardés depuis le dernier total
    gardes = 0  # dossiers gardés avant la ligne vue
    sommees = 0  # les lignes avant celle-ci sont déjà ajoutées aux sommes (ou passées)
    precedente = -1
    for k in a_voir:
        entre = k - precedente - 1  # lignes du cas courant depuis la précédente vue : gardées
        n_depuis, gardes, precedente = n_depuis + entre, gardes + entre, k
        rangee = [c[k] for c in colonnes]
        libelle = _libelle_total(rangee, j_dossier)
        if libelle is None and j_dossier is not None and vide(rangee[j_dossier]):
            # Les sommes ne servent qu'à une ligne sans N° : calculées à sa rencontre, chaque
            # dossier une seule fois (un tableau sans telle ligne ne lit aucun montant ici).
            for j in montants:
                for x in map(_nombre, (v for r, v in enumerate(colonnes[j][sommees:k], sommees)
                                       if r not in ecartees and not vide(v))):
                    if x is not None and not math.isnan(x):
                        depuis_total[j] += x
                        general[j] += x
            sommees = k
            if _sommes(rangee, j_dossier, montants, depuis_total, general, n_depuis, gardes):
                libelle = "montants égaux aux sommes des lignes précédentes"
        if libelle is not None:
            totaux.append((numeros[k], libelle))
            ecartees.add(k)
            depuis_total, n_depuis = [0.0] * len(entetes), 0
            sommees = k + 1
            continue
        n_depuis, gardes = n_depuis + 1, gardes + 1
    if not ecartees:
        return colonnes, numeros, totaux
    gardees = [k not in ecartees for k in range(len(numeros))]
    return [_garder(c, gardees) for c in colonnes], list(itertools.compress(numeros, gardees)), totaux


def _a_voir(dossiers: Sequence[Any]) -> list[int]:
    """Les lignes dont le N° ne commence pas par un chiffre ou une lettre ASCII autre que s et t."""
    if isinstance(dossiers, list | tuple):
        return [k for k, c in enumerate(dossiers)
                if not (c.__class__ is str and (d := c[:1]).isascii() and d.isalnum() and d not in "sStT")]
    # Une colonne polars (CSV lu par colonnes, :mod:`.csv_colonnes`) : le même test, en polars.
    return (~dossiers.str.contains(r"^[0-9A-RU-Za-ru-z]")).fill_null(True).arg_true().to_list()  # type: ignore[attr-defined]


def _garder(colonne: Sequence[Any], gardees: list[bool]) -> Sequence[Any]:
    if isinstance(colonne, list | tuple):
        return list(itertools.compress(colonne, gardees))
    import polars as pl

    return colonne.filter(pl.Series(gardees, dtype=pl.Boolean))  # type: ignore[attr-defined]


def apres_la_fin(entetes: Sequence[str], indices: Sequence[int], rangee: Callable[[int], list[Any]],
                 est_vide: Callable[[list[Any]], bool], index: Mapping[str, Any],
                 ) -> tuple[list[tuple[int, str]], int | None]:
    """Les totaux libellés placés après la ligne vide qui clôt les données, et l'indice de la
    première ligne non vide qui n'en est pas un (des données oubliées, à signaler), ou None."""
    j_dossier = _j_dossier(entetes, index)
    totaux = []
    for k in indices:
        r = rangee(k)
        if est_vide(r):
            continue
        libelle = _libelle_total(r, j_dossier)
        if libelle is None:
            return totaux, k
        totaux.append((k, libelle))
    return totaux, None


def _j_dossier(entetes: Sequence[str], index: Mapping[str, Any]) -> int | None:
    from cdv_regles.contrat import normaliser_entete

    return next((j for j, e in enumerate(entetes)
                 if (c := index.get(normaliser_entete(e))) is not None and c.id == "numero_dossier"),
                None)


def _libelle_total(rangee: list[Any], j_dossier: int | None) -> str | None:
    """Le libellé si la rangée est un total libellé : un seul texte, « Total… », et des nombres."""
    libelle = None
    for j, v in enumerate(rangee):
        if vide(v):
            continue
        if est_libelle_total(v) and libelle is None:
            libelle = v.strip()
            continue
        if j == j_dossier or _nombre(v) is None:
            return None  # un N° de dossier, ou un texte qui n'est pas un nombre : un dossier
    return libelle


def _sommes(rangee: list[Any], j_dossier: int | None, montants: list[int], depuis_total: list[float],
            general: list[float], n_depuis: int, n_dossiers: int) -> bool:
    """Sans libellé : rien que des nombres, et au moins deux montants, non tous nuls, chacun égal
    à la somme de sa colonne sur au moins deux dossiers (depuis le total précédent, ou tous)."""
    if j_dossier is None or not vide(rangee[j_dossier]) or n_dossiers < 2:
        return False
    vus, non_nuls = 0, 0
    for j, v in enumerate(rangee):
        if vide(v):
            continue
        x = _nombre(v)
        if x is None or math.isnan(x):
            return False
        if j in montants:
            if not ((n_depuis >= 2 and math.isclose(x, depuis_total[j], abs_tol=0.005))
                    or math.isclose(x, general[j], abs_tol=0.005)):
                return False
            vus, non_nuls = vus + 1, non_nuls + (x != 0)
    return vus >= 2 and non_nuls > 0
