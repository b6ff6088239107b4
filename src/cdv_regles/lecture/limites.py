"""Garde-fous de lecture : temps et mémoire bornés, quel que soit le fichier donné.

Chaque limite se relève par une variable d'environnement (nombre entier positif) :

- ``CDV_REGLES_TAILLE_MAX`` : taille du fichier, en Mo ;
- ``CDV_REGLES_TAILLE_DECOMPRESSEE_MAX`` : somme des tailles décompressées des membres de
  l'archive d'un classeur (xlsx, xlsm, ods), en Mo ;
- ``CDV_REGLES_CELLULES_MAX`` : cellules remplies d'une feuille (de tout le classeur pour un .ods,
  que calamine charge d'un bloc) ;
- ``CDV_REGLES_CHAINES_MAX`` : chaînes partagées d'un xlsx (calamine les charge toutes à
  l'ouverture, même celles qu'aucune cellule ne cite) ;
- ``CDV_REGLES_CHAINES_TAILLE_MAX`` : taille décompressée de ces chaînes partagées, en Mo ;
- ``CDV_REGLES_LIGNES_MAX`` : lignes de données du tableau ;
- ``CDV_REGLES_COLONNES_MAX`` : colonnes du tableau.

Les valeurs par défaut (:class:`Limites`) laissent passer un tableau de 100 000 dossiers — cent
fois ce qu'un contrat de ville programme en un an ; celui du banc d'essai fait 44 Mo en CSV,
15 Mo en xlsx (158 Mo décompressés) et se vérifie avec moins de 900 Mio de mémoire de pointe,
mesuré le 2026-12-02 — et gardent la mémoire bornée : un fichier de quelques Mo qui se
décompresserait en Go est refusé en quelques secondes (mesures : ``benchmarks/lecture_bornee.py``,
section « Lecture bornée » de ``benchmarks/RESULTATS.md``). Le message d'un fichier trop gros
donne la valeur de ``CDV_REGLES_TAILLE_MAX`` qui le laisse passer.
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
    "cellules_max": ("CDV_REGLES_CELLULES_MAX", 1, ""),
    "chaines_max": ("CDV_REGLES_CHAINES_MAX", 1, ""),
    "chaines_taille_max": ("CDV_REGLES_CHAINES_TAILLE_MAX", MO, "en Mo"),
    "lignes_max": ("CDV_REGLES_LIGNES_MAX", 1, ""),
    "colonnes_max": ("CDV_REGLES_COLONNES_MAX", 1, ""),
}


@dataclass
class Limites:
    """Garde-fous de lecture (voir la docstring du module pour les variables d'environnement)."""

    taille_fichier_max: int = 100 * MO  # octets (un CSV de 100 000 dossiers : ~50 Mo)
    taille_decompressee_max: int = 400 * MO  # somme des tailles décompressées (xlsx/xlsm/ods)
    # Cellules remplies d'une feuille : 100 000 dossiers aux 60 colonnes du contrat toutes remplies,
    # plus 10 colonnes à soi (le tableau du banc en remplit 42 par dossier).
    cellules_max: int = 7_000_000
    chaines_max: int = 2_000_000  # chaînes partagées (xlsx)
    chaines_taille_max: int = 100 * MO  # taille décompressée des chaînes partagées (xlsx)
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
    """« 5 000 000 » (espaces ordinaires : le message cite aussi la variable à régler)."""
    from cdv_regles.affichage import NBSP, nombre

    return nombre(n).replace(NBSP, " ")


def seuils(limites: Limites) -> tuple[int, int]:
    """Dernière ligne et dernière colonne (1-based) où une valeur peut se trouver sans danger."""
    return (limites.lignes_max + LIGNES_ENTETE_MAX + 1 + MARGE_LIGNES,
            limites.colonnes_max + MARGE_COLONNES)


def taille(octets: int) -> str:
    from cdv_regles.affichage import NBSP, nombre

    if octets >= MO:
        return nombre(octets / MO, decimales=1).replace(NBSP, " ") + " Mo"
    return f"{entier(octets)} octets"


def variable(attribut: str, vu: int | None = None) -> str:
    """« la variable d'environnement CDV_REGLES_… (en Mo) » qui relève la limite ``attribut`` ;
    avec ``vu`` (la valeur rencontrée, en octets pour une taille), suivie de la valeur à lui
    donner : « , par exemple CDV_REGLES_TAILLE_MAX=120 »."""
    nom, unite, libelle = _VARIABLES[attribut]
    texte = f"la variable d'environnement {nom}" + (f" ({libelle})" if libelle else "")
    if vu is not None:
        texte += f", par exemple {nom}={valeur_suffisante(vu, unite)}"
    return texte


def valeur_suffisante(vu: int, unite: int = 1) -> int:
    """Une valeur ronde de la variable (dans son unité) qui laisse passer ``vu`` : « 115,6 Mo »
    donne 120, 5 026 696 cellules donnent 5 100 000."""
    n = -(-vu // unite)  # arrondi vers le haut
    pas = 10 ** max(1, len(str(n)) - 2)
    return -(-(n + 1) // pas) * pas
