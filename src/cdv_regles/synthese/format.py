"""Écriture française des chiffres de la synthèse : « 12 500 € », « 41 % », « 16/09/2022 »."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cdv_regles.valeurs import format_montant

NBSP = "\u00a0"
_MOTS_MONTANT = ("montant", "total", "enveloppe", "credit", "somme", "ecart", "depassement", "reste")
_MOTS_PART = ("part", "taux", "pourcentage", "proportion")


def montant(x: float | int | None) -> str:
    """« 12 500 € » (centimes seulement s'il y en a) ; « — » pour une valeur absente."""
    if x is None:
        return "—"
    return format_montant(float(x))


def nombre(x: float | int | None) -> str:
    """« 1 250 » ou « 12,5 »."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "oui" if x else "non"
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", NBSP)
    entier, _, decimales = f"{float(x):,.2f}".partition(".")
    return entier.replace(",", NBSP) + "," + decimales.rstrip("0")


def pourcentage(p: float | None, *, ratio: bool = False) -> str:
    """0,413 → « 41,3 % ».

    ``ratio`` : ``p`` est toujours une proportion (1,25 → « 125 % »). Sinon (chiffres des
    greffons, qui écrivent parfois 41,3 pour 41,3 %), une valeur au-delà de 1 est prise comme un
    pourcentage déjà calculé.
    """
    if p is None:
        return "—"
    valeur = p * 100 if ratio or abs(p) <= 1 else p
    arrondi = round(valeur, 1)
    return nombre(arrondi) + NBSP + "%"


def date_fr(texte: str | dt.date | None) -> str:
    """« 2023-03-01 » (ISO) → « 01/03/2023 »."""
    if texte is None:
        return "—"
    d = texte if isinstance(texte, dt.date) else dt.date.fromisoformat(str(texte)[:10])
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


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
        return "—"
    if isinstance(x, bool):
        return "Oui" if x else "Non"
    if isinstance(x, int | float):
        sorte = sorte_de_cle(cle)
        if sorte == "montant":
            return montant(x)
        if sorte == "part":
            return pourcentage(x)
        return nombre(x)
    if isinstance(x, list):
        return ", ".join(valeur_lisible(cle, e) for e in x) if x else "aucun"
    if isinstance(x, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", x):
        return date_fr(x)
    return str(x)


def libelle_cle(cle: str) -> str:
    """« montant_orientation_1 » → « Montant orientation 1 » (une clé déjà en français reste)."""
    texte = cle.replace("_", " ").strip()
    return texte[:1].upper() + texte[1:]
