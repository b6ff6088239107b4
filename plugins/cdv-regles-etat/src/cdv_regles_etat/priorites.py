"""Les priorités 2023 de l'État, repérées dans le texte des dossiers (contrôle ``ETAT-PRIORITES-2023``).

Contrôle écrit en Python (exemple du hook ``cdv_regles_controles``) : un constat par dossier dit
chaque thème trouvé, avec le mot-clé et la colonne. Les mots-clés sont des paramètres datés du
greffon (``etat_priorites``), cherchés sans tenir compte de la casse ni des accents, en mots
entiers (« parents » ne trouve pas « parentalité ») ; « sport* » trouve aussi « sportive » mais
jamais « transport » (``cdv_regles.api.contient_mots``). Un repérage par mots-clés n'est
qu'une suggestion : le message le dit. Le repérage est fait en bloc par polars
(``cdv_regles.api.premiers_mots``) : sur 50 000 dossiers, une boucle Python mot par mot prenait
plusieurs secondes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdv_regles.api import Constat, Contexte, contient_mots, premiers_mots

if TYPE_CHECKING:
    import polars as pl

REGLE = "ETAT-PRIORITES-2023"
PARTENAIRE = "etat"
SOURCE = ("NC2023, « Orientation 1 (projets priorisés par l'État), orientation 2 (santé mentale, "
          "sport), orientation 3 (transition écologique), orientation 4 (0-6 ans, parentalité) »")


@dataclass(frozen=True)
class Reperage:
    """Une priorité trouvée dans un dossier : le thème, le mot-clé et la colonne où il figure."""

    theme: str
    mot: str
    colonne: str


def priorites_en_vigueur(parametres: Mapping[str, Any]) -> dict[str, list[str]]:
    """Le paramètre ``etat_priorites`` du millésime, vérifié (thème -> liste de mots-clés)."""
    valeur = parametres.get("etat_priorites")
    if valeur is None:
        return {}
    if not isinstance(valeur, dict) or not all(isinstance(m, list) for m in valeur.values()):
        raise ValueError("le paramètre etat_priorites doit associer à chaque thème une liste de mots-clés "
                         f"(vu : {str(valeur)[:80]})")
    return {str(t): [str(m) for m in mots] for t, mots in valeur.items()}


def dossiers_etat(tableau: pl.DataFrame, parametres: Mapping[str, Any]) -> pl.DataFrame:
    """Les dossiers qui sollicitent l'État, hors statuts contrôlés pour la seule structure."""
    import polars as pl

    exclus = [str(s) for s in parametres.get("statuts_structure_seule") or []]
    return tableau.filter((pl.col("montant_etat").fill_null(0) > 0)
                          & ~pl.col("statut").is_in(exclus).fill_null(False))


def reperages_par_dossier(tableau: pl.DataFrame,
                          parametres: Mapping[str, Any]) -> list[tuple[dict[str, Any], list[Reperage]]]:
    """Pour chaque dossier qui sollicite l'État : ses cellules utiles (N°, ligne, intitulé,
    colonnes cherchées) et les priorités repérées."""
    priorites = priorites_en_vigueur(parametres)
    if not priorites:
        return []
    import polars as pl

    colonnes = [c for c in parametres.get("etat_colonnes_priorites") or [] if c in tableau.columns]
    if not colonnes:
        return []
    tous_les_mots = [m for mots in priorites.values() for m in mots]
    candidats = dossiers_etat(tableau, parametres).filter(
        pl.any_horizontal([contient_mots(pl.col(c), tous_les_mots).fill_null(False) for c in colonnes]))
    resultats = []
    par_ligne = premiers_mots(candidats, colonnes, priorites)
    # Seules les cellules que le message cite : une ligne entière par dossier coûte cher.
    utiles = list(dict.fromkeys(c for c in ("_dossier", "_ligne", "intitule", *colonnes) if c in candidats.columns))
    for ligne, themes in zip(candidats.select(utiles).iter_rows(named=True), par_ligne, strict=True):
        trouves = [Reperage(theme, mot, colonne) for theme, paire in themes.items() if paire
                   for mot, colonne in [paire]]
        if trouves:
            resultats.append((ligne, trouves))
    return resultats


def controler_priorites(tableau: pl.DataFrame, contexte: Contexte) -> list[Constat]:
    """Un constat ``info`` par dossier État qui relève d'une priorité 2023."""
    entetes = contexte.entetes
    constats = []
    for ligne, trouves in reperages_par_dossier(tableau, contexte.parametres):
        details = " ; ".join(f"{r.theme} (« {r.mot.rstrip('*')} » dans « {entetes.get(r.colonne, r.colonne)} »)"
                             for r in trouves)
        message = (f"Suggestion : l'action « {ligne.get('intitule') or 'sans intitulé'} » semble relever "
                   f"des priorités {contexte.millesime} de l'État — {details}. Repérage par mots-clés, à "
                   "confirmer : si c'est bien le cas, mettez l'action en avant lors de l'instruction et du "
                   "comité ; sinon, ne tenez pas compte de ce constat.")
        colonnes = tuple(dict.fromkeys(r.colonne for r in trouves))
        constats.append(contexte.constat(
            partenaire=PARTENAIRE, regle=REGLE, famille="priorites", gravite="info", message=message,
            dossier=str(ligne["_dossier"]), ligne=ligne["_ligne"], colonnes=colonnes, source=SOURCE))
    return constats
