"""Format texte : constats groupés par dossier, couleurs sur un terminal, résumé en une ligne."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from cdv_regles.constats import GRAVITES

if TYPE_CHECKING:
    from cdv_regles.verification import Resultat

_COULEURS = {"bloquant": "red", "alerte": "yellow", "info": "cyan"}
_LIBELLES = {"bloquant": "BLOQUANT", "alerte": "ALERTE", "info": "info"}


def _style(texte: str, gravite: str, couleur: bool) -> str:
    if not couleur:
        return texte
    import click

    return click.style(texte, fg=_COULEURS[gravite], bold=gravite == "bloquant")


def resume_une_ligne(resultat: Resultat) -> str:
    r = resultat.resume()
    g = r["par_gravite"]
    comptes = ", ".join(f"{g[x]} {x}{'s' if g[x] > 1 and x != 'info' else ''}" for x in GRAVITES)
    return (f"{r['dossiers']} dossier(s) vérifié(s), {r['constats']} constat(s) : {comptes} "
            f"— millésime {r['millesime']}, date de référence {resultat.date_reference:%d/%m/%Y}")


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del seuil
    lignes: list[str] = [f"Vérification de {resultat.tableau.chemin}"
                         + (f" (feuille {resultat.tableau.feuille})" if resultat.tableau.feuille else ""), ""]
    for (dossier, ligne), groupe in groupby(resultat.constats, key=lambda c: (c.dossier, c.ligne)):
        if not ligne:
            titre = "Tableau entier"
        elif dossier == f"ligne {ligne}":  # N° dossier manquant : le moteur nomme la ligne
            titre = f"Dossier sans N° (ligne {ligne})"
        else:
            titre = f"Dossier {dossier} (ligne {ligne})"
        lignes.append(_style(titre, "info", False) if not couleur else _gras(titre))
        for c in groupe:
            etiquette = _style(f"{_LIBELLES[c.gravite]:<9}", c.gravite, couleur)
            qui = "" if c.partenaire == "socle" else f" [{c.partenaire}]"
            lignes.append(f"  {etiquette} {c.regle}{qui} : {c.message}")
            if c.source:
                lignes.append(f"  {'':<9} Source : {c.source}")
        lignes.append("")
    if not resultat.constats:
        lignes += ["Aucun constat : le tableau est en règle.", ""]
    for d in resultat.defauts:
        lignes.append(_style(f"DÉFAUT    {d}", "bloquant", couleur))
    lignes.append(resume_une_ligne(resultat))
    return "\n".join(lignes) + "\n"


def _gras(texte: str) -> str:
    import click

    return click.style(texte, bold=True)
