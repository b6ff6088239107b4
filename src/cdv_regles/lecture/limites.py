"""Garde-fous de lecture : limites de taille, modifiables par variables d'environnement.

- ``CDV_REGLES_TAILLE_MAX`` : taille maximale du fichier, en Mo ;
- ``CDV_REGLES_TAILLE_DECOMPRESSEE_MAX`` : somme des tailles décompressées des membres de
  l'archive d'un classeur, en Mo ;
- ``CDV_REGLES_LIGNES_MAX`` : nombre maximal de lignes de données ;
- ``CDV_REGLES_COLONNES_MAX`` : nombre maximal de colonnes.

Les valeurs par défaut sont dans :class:`Limites`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from cdv_regles.erreurs import EntreeInvalide

MO = 1024**2
LIGNES_ENTETE_MAX = 30  # la ligne d'en-tête est cherchée dans les 30 premières lignes
ENTETES_MIN = 3  # en-têtes du contrat qu'une ligne doit contenir pour être la ligne d'en-tête
MORCEAU = 1 * MO
# Au-delà de ces marges (en plus des limites), une valeur isolée est « très loin » : calamine
# réserverait le rectangle qui la contient, jusqu'à faire avorter le processus.
MARGE_LIGNES = 1000
MARGE_COLONNES = 100


_VARIABLES = {
    "taille_fichier_max": ("CDV_REGLES_TAILLE_MAX", MO, "en Mo"),
    "taille_decompressee_max": ("CDV_REGLES_TAILLE_DECOMPRESSEE_MAX", MO, "en Mo"),
    "lignes_max": ("CDV_REGLES_LIGNES_MAX", 1, ""),
    "colonnes_max": ("CDV_REGLES_COLONNES_MAX", 1, ""),
}


@dataclass
class Limites:
    """Garde-fous de lecture (voir la docstring du module pour les variables d'environnement)."""

    taille_fichier_max: int = 50 * MO  # octets
    taille_decompressee_max: int = 500 * MO  # somme des tailles décompressées (xlsx/xlsm/ods)
    lignes_max: int = 200_000
    colonnes_max: int = 500

    @classmethod
    def depuis_environnement(cls, environ: Mapping[str, str] | None = None) -> Limites:
        """Les limites par défaut, remplacées par les variables ``CDV_REGLES_…`` présentes."""
        environ = os.environ if environ is None else environ
        valeurs: dict[str, int] = {}
        for attribut, (variable, unite, libelle) in _VARIABLES.items():
            brut = environ.get(variable)
            if brut is None or not brut.strip():
                continue
            try:
                n = int(brut.strip().replace(" ", "").replace("_", ""))
            except ValueError:
                n = 0
            if n <= 0:
                precision = f" ({libelle})" if libelle else ""
                raise EntreeInvalide(
                    f"La variable d'environnement {variable} vaut « {brut} » : attendu un nombre "
                    f"entier positif{precision}. Corrigez-la ou supprimez-la pour garder la valeur "
                    "par défaut.")
            valeurs[attribut] = n * unite
        return cls(**valeurs)


def entier(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def seuils(limites: Limites) -> tuple[int, int]:
    """Dernière ligne et dernière colonne (1-based) où une valeur peut se trouver sans danger."""
    return (limites.lignes_max + LIGNES_ENTETE_MAX + 1 + MARGE_LIGNES,
            limites.colonnes_max + MARGE_COLONNES)


def taille(octets: int) -> str:
    if octets >= MO and octets % MO == 0:
        return f"{octets // MO:,} Mo".replace(",", " ")
    if octets >= MO:
        return f"{octets / MO:.1f} Mo".replace(".", ",")
    return f"{octets:,} octets".replace(",", " ")

