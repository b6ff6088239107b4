"""Couleurs des cellules en cause, et leur effacement au passage suivant.

Seule la couleur de fond des cellules colorées par « Vérifier » est touchée. Elles sont notées
dans une feuille masquée (cellule, dossier, en-tête, couleur d'origine) : au passage suivant on
rend à chacune sa couleur d'origine, là où la cellule se trouve maintenant (lignes triées ou
insérées entre-temps), sans toucher au reste de la mise en forme de l'utilisateur.
"""

from __future__ import annotations

from typing import Any

from cdv_regles.classeur import feuilles as F
from cdv_regles.classeur.grille import Grille, texte
from cdv_regles.classeur.livre import feuille_outil, trouver_feuille
from cdv_regles.constats import RANG_GRAVITE

ENTETES_MEMOIRE = ("Cellule", "Dossier", "En-tête", "Couleur d'origine")


def effacer_couleurs(book: Any, feuille: Any, grille: Grille) -> int:
    """Rend leur couleur d'origine aux cellules colorées au dernier passage ; renvoie leur nombre."""
    memoire = trouver_feuille(book, F.FEUILLE_MEMOIRE)
    if memoire is None:
        return 0
    lignes = memoire.used_range.options(ndim=2).value or []
    n = 0
    for rangee in lignes[1:]:
        rangee = [*list(rangee), None, None, None, None][:4]
        cellule, dossier, entete, origine = (texte(v) for v in rangee)
        if not cellule:
            continue
        ou = grille.retrouver(cellule, dossier, entete)
        if ou is None:
            continue
        feuille[ou].color = origine or None
        n += 1
    return n


def gravites_par_cellule(resultat: Any) -> dict[str, str]:
    """Adresse -> gravité la plus forte des constats qui la mettent en cause."""
    par_cellule: dict[str, str] = {}
    for c in resultat.constats:
        for a in resultat.cellules(c):
            cellule = a.rsplit("!", 1)[-1].replace("$", "")
            avant = par_cellule.get(cellule)
            if avant is None or RANG_GRAVITE[c.gravite] < RANG_GRAVITE[avant]:
                par_cellule[cellule] = c.gravite
    return par_cellule


def colorer(book: Any, feuille: Any, grille: Grille, par_cellule: dict[str, str]) -> None:
    """Note puis colore les cellules ; la note est écrite avant, pour pouvoir tout effacer."""
    notes = []
    for cellule in par_cellule:
        dossier, entete = grille.contenu(cellule)
        notes.append([cellule, dossier, entete, _couleur_actuelle(feuille, cellule)])
    memoire = feuille_outil(book, F.FEUILLE_MEMOIRE, masquee=True)
    # Format texte d'abord : sinon Excel lirait « 2023-02 » comme une date.
    memoire[f"A1:D{len(notes) + 1}"].number_format = "@"
    memoire["A1"].value = [list(ENTETES_MEMOIRE), *notes]
    for cellule, gravite in par_cellule.items():
        feuille[cellule].color = F.COULEURS[gravite]


def _couleur_actuelle(feuille: Any, cellule: str) -> str:
    """Couleur de fond actuelle en « #RRGGBB », ou "" (aucune, ou illisible : xlwings Server)."""
    try:
        couleur = feuille[cellule].color
    except NotImplementedError:
        return ""
    if not couleur:
        return ""
    if isinstance(couleur, str):
        return couleur
    r, g, b = couleur[:3]
    return f"#{r:02X}{g:02X}{b:02X}"
