"""Les listes déroulantes du classeur, tirées des référentiels des règles (jamais l'inverse)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdv_regles.contrat import Colonne

#: Première géographie prioritaire 2024 (décret 2023-1314) : avant, les QPV de 2015.
MILLESIME_QPV_2024 = 2024


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


def _orientations(refs: Any) -> Liste:
    details = refs["orientations"].details
    valeurs = tuple(f"{d['numero']} - {d['libelle']}" for d in details)
    return Liste("liste_orientations", "Orientation", valeurs)


def listes_des_colonnes(colonnes: tuple[Colonne, ...], refs: Any, millesime: int) -> dict[str, Liste]:
    """Colonne (id) -> liste de sa validation, pour chaque colonne à liste."""
    qpv = "qpv_2024" if millesime >= MILLESIME_QPV_2024 else "qpv_2015"
    resultat: dict[str, Liste] = {}
    for c in colonnes:
        liste = None
        if c.type == "booleen":
            liste = OUI_NON
        elif c.type == "marqueur":
            liste = MARQUEUR
        elif c.type == "orientation":
            liste = _orientations(refs)
        elif c.type in ("choix", "choix_multiple"):
            nom_ref = c.referentiel or {"communes": "communes", "qpv": qpv}.get(c.id)
            if nom_ref and nom_ref in refs:
                liste = Liste(f"liste_{nom_ref}", c.entete, tuple(refs[nom_ref].valeurs),
                              stricte=c.type == "choix")
        if liste is not None:
            resultat[c.id] = liste
    return resultat


def listes_referentiels(listes: dict[str, Liste], refs: Any) -> list[Liste]:
    """Les listes montrées dans la feuille Référentiels : celles des menus, puis les financeurs."""
    vues: dict[str, Liste] = {}
    for liste in listes.values():
        vues.setdefault(liste.nom, liste)
    if "financeurs" in refs:
        noms = tuple(d.get("nom", d.get("code")) for d in refs["financeurs"].details)
        vues.setdefault("liste_financeurs", Liste("liste_financeurs", "Financeurs", noms))
    return list(vues.values())
