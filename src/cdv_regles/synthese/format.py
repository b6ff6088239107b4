"""Écriture française des chiffres de la synthèse : « 12 500 € », « 41 % », « 16/09/2022 »."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cdv_regles import affichage

NBSP = affichage.NBSP
_MOTS_MONTANT = ("montant", "total", "enveloppe", "credit", "somme", "ecart", "depassement", "reste")
_MOTS_PART = ("part", "taux", "pourcentage", "proportion")
ABSENT = "—"


def montant(x: float | int | None) -> str:
    """« 12 500 € » (centimes seulement s'il y en a) ; « — » pour une valeur absente."""
    return ABSENT if x is None else affichage.montant(x)


def nombre(x: float | int | None) -> str:
    """« 1 250 » ou « 12,5 » (deux décimales au plus)."""
    return ABSENT if x is None else affichage.nombre(x, decimales=2)


def pourcentage(p: float | None, *, ratio: bool = False) -> str:
    """0,413 → « 41,3 % ».

    ``ratio`` : ``p`` est toujours une proportion (1,25 → « 125 % »). Sinon (chiffres des
    greffons, qui écrivent parfois 41,3 pour 41,3 %), une valeur au-delà de 1 est prise comme un
    pourcentage déjà calculé.
    """
    if p is None:
        return ABSENT
    if isinstance(p, int | float) and not ratio and abs(p) > 1:
        p = p / 100
    return affichage.pourcentage(p)


def date_fr(texte: str | dt.date | None) -> str:
    """« 2023-03-01 » (ISO) → « 01/03/2023 »."""
    return ABSENT if texte is None else affichage.date(texte)


def sorte_de_cle(cle: str) -> str:
    """« montant », « part » ou « nombre » selon le nom d'un chiffre de rubrique de greffon."""
    c = cle.casefold()
    if any(c.startswith(m) or f"_{m}" in c or f" {m}" in c for m in _MOTS_PART):
        return "part"
    if any(m in c for m in _MOTS_MONTANT):
        return "montant"
    return "nombre"


def valeur_lisible(cle: str, x: Any) -> str:
    """Une valeur de rubrique telle qu'un agent la lit, selon le nom de sa clé."""
    if x is None:
        return ABSENT
    if isinstance(x, bool):
        return affichage.booleen(x)
    if isinstance(x, int | float):
        sorte = sorte_de_cle(cle)
        if sorte == "montant":
            return montant(x)
        if sorte == "part":
            return pourcentage(x)
        return nombre(x)
    if isinstance(x, list):
        return ", ".join(valeur_lisible(cle, e) for e in x) if x else "aucun"
    if isinstance(x, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", x):
        return date_fr(x)
    return affichage.valeur(x)


def libelle_cle(cle: str) -> str:
    """« montant_orientation_1 » → « Montant orientation 1 » (une clé déjà en français reste)."""
    texte = cle.replace("_", " ").strip()
    return texte[:1].upper() + texte[1:]
