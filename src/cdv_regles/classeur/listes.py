"""Les listes déroulantes du classeur, tirées des référentiels des règles (jamais l'inverse)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cdv_regles.contrat import Colonne
from cdv_regles.types_colonnes import type_colonne


@dataclass(frozen=True)
class Liste:
    """Une liste de la feuille Référentiels, nommée pour les validations de données."""

    nom: str  # nom défini Excel
    titre: str  # en-tête dans la feuille Référentiels
    valeurs: tuple[Any, ...]
    #: False pour les choix multiples : « Anzin ; Bruay-sur-l'Escaut » doit rester saisissable.
    stricte: bool = True


OUI_NON = Liste("liste_oui_non", "Oui / Non", ("Oui", "Non"))
MARQUEUR = Liste("liste_marqueur_egalite", "Marqueur égalité", (0, 1, 2))


def _orientations(refs: Any) -> Liste | None:
    """Les orientations du millésime (liste datée), « numéro - libellé »."""
    if "orientations" not in refs:
        return None
    details = refs["orientations"].details
    valeurs = tuple(f"{d['numero']} - {d['libelle']}" if d.get("libelle") else str(d["numero"]) for d in details)
    return Liste("liste_orientations", "Orientation", valeurs)


def _referentiel(c: Colonne, refs: Any, qpv: str, *, stricte: bool) -> Liste | None:
    nom_ref = c.referentiel or {"communes": "communes", "qpv": qpv}.get(c.id)
    if nom_ref and nom_ref in refs:
        return Liste(f"liste_{nom_ref}", c.entete, tuple(refs[nom_ref].valeurs), stricte=stricte)
    return None


#: Sorte de liste d'un type de colonne (``TypeColonne.liste``) -> (colonne, référentiels, QPV) -> liste.
SORTES: dict[str, Callable[[Colonne, Any, str], Liste | None]] = {
    "oui_non": lambda _c, _r, _q: OUI_NON,
    "marqueur": lambda _c, _r, _q: MARQUEUR,
    "orientations": lambda _c, refs, _q: _orientations(refs),
    "referentiel": lambda c, refs, q: _referentiel(c, refs, q, stricte=True),
    # Choix multiples : « Anzin ; Bruay-sur-l'Escaut » n'est pas dans la liste et reste permis.
    "referentiel_ouverte": lambda c, refs, q: _referentiel(c, refs, q, stricte=False),
}


def listes_des_colonnes(colonnes: tuple[Colonne, ...], refs: Any, qpv: str) -> dict[str, Liste]:
    """Colonne (id) -> liste de sa validation, pour chaque colonne dont le type a une liste.

    ``qpv`` : le référentiel de la géographie prioritaire du millésime (paramètre daté
    ``referentiel_qpv`` : ``qpv_2015`` jusqu'en 2023, ``qpv_2024`` ensuite)."""
    resultat: dict[str, Liste] = {}
    for c in colonnes:
        sorte = type_colonne(c.type).liste
        liste = SORTES[sorte](c, refs, qpv) if sorte else None
        if liste is not None:
            resultat[c.id] = liste
    return resultat


def listes_referentiels(listes: dict[str, Liste], refs: Any) -> list[Liste]:
    """Les listes montrées dans la feuille Référentiels : celles des menus, puis les financeurs
    (``refs`` : les référentiels du millésime du classeur, listes datées comprises)."""
    vues: dict[str, Liste] = {}
    for liste in listes.values():
        vues.setdefault(liste.nom, liste)
    if "financeurs" in refs:
        noms = tuple(d.get("nom", d.get("code")) for d in refs["financeurs"].details)
        vues.setdefault("liste_financeurs", Liste("liste_financeurs", "Financeurs", noms))
    return list(vues.values())
