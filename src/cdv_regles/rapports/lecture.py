"""Ce que la lecture a compris du tableau, dit en tête de chaque rapport : la feuille lue, la ligne
d'en-têtes, le nombre de dossiers, les lignes écartées (totaux, lignes vides d'un Tableau Excel),
les colonnes non reconnues. L'agent peut ainsi se fier à la lecture, ou la corriger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdv_regles.verification import Resultat


def lecture(resultat: Resultat) -> dict[str, Any]:
    """La forme machine (clé « lecture » du JSON)."""
    t = resultat.tableau
    return {
        "fichier": t.chemin,
        "feuille": t.feuille,
        "ligne_entete": t.ligne_entete,
        "dossiers": t.nb_dossiers,
        "premiere_ligne": t.lignes[0] if t.lignes else None,
        "derniere_ligne": t.lignes[-1] if t.lignes else None,
        "lignes_total": [{"ligne": n, "libelle": libelle} for n, libelle in t.totaux],
        "lignes_vides": list(t.lignes_vides) if t.lignes_vides else [],
        "ligne_donnees_ignorees": t.ligne_donnees_ignorees,
        "colonnes_inconnues": list(t.inconnues),
        "colonnes_absentes": [c.entete for c in t.absentes],
    }


def _intervalle(debut: int, fin: int) -> str:
    return f"ligne {debut}" if debut == fin else f"lignes {debut} à {fin}"


def lignes_lecture(resultat: Resultat) -> list[str]:
    """La même chose en phrases, une par sujet."""
    t = resultat.tableau
    ou = f"feuille « {t.feuille} »" if t.feuille else "fichier CSV"
    entete = f", en-têtes en ligne {t.ligne_entete}" if t.ligne_entete else ""
    n = t.nb_dossiers
    dossiers = f"{n} dossier{'s' if n > 1 else ''}"
    if t.lignes:
        dossiers += f" ({_intervalle(t.lignes[0], t.lignes[-1])})"
    lignes = [f"Lecture : {ou}{entete}, {dossiers}."]
    ecartees = [f"ligne {n} (« {libelle} », total)" for n, libelle in t.totaux]
    if t.lignes_vides:
        ecartees.append(f"{_intervalle(*t.lignes_vides)} (vides, au bas du Tableau Excel)")
    if t.ligne_donnees_ignorees:
        cause = "sous le Tableau Excel, hors de lui" if t.ignorees_sous_tableau else "après une ligne vide"
        ecartees.append(f"à partir de la ligne {t.ligne_donnees_ignorees} ({cause})")
    lignes.append("Lignes écartées : " + ("; ".join(ecartees) if ecartees else "aucune") + ".")
    inconnues = ", ".join(f"« {e} »" for e in t.inconnues)
    lignes.append("Colonnes non reconnues (non contrôlées) : " + (inconnues or "aucune") + ".")
    return lignes
