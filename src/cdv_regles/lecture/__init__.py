"""Lecture du tableau de programmation : classeur (xlsx, xlsm, ods, xls) ou CSV → :class:`TableBrute`.

Le format est reconnu par le contenu du fichier (un classeur nommé « .csv » est lu comme un
classeur). Les classeurs sont lus par python-calamine (:mod:`.calamine` : valeurs en cache des
formules, lignes masquées comprises) après l'inspection de leur archive (:mod:`.archive`,
:mod:`.xlsx`, :mod:`.ods`, :mod:`.ooxml`) ; les .xls par :mod:`.xls` ; les CSV par :mod:`.csv`
(ses premières lignes, où est cherchée la ligne d'en-têtes) puis, pour le reste, par polars
(:mod:`.csv_colonnes`, colonne par colonne), sauf un petit fichier, lu ligne à ligne. La ligne
d'en-têtes et la fin du tableau sont repérées par :mod:`.entete` (sur la grille lue) ou
:mod:`.csv_colonnes` ; la table rendue est faite de colonnes (listes, ou colonnes polars pour un
CSV).
Les garde-fous (taille, lignes, colonnes) sont dans :mod:`.limites`.

Limites connues : les erreurs de formule (« #REF! », « Err:502 »…) sont rendues telles quelles
pour les xlsx/xlsm, les .ods (relevées dans le XML, :mod:`.xlsx`, :mod:`.ods`) et les CSV ;
calamine les rend vides pour les .xls. Les cellules fusionnées
viennent de calamine pour les xlsx/xlsm/xls et de content.xml pour les .ods (:mod:`.ods`). Les
lignes de total et de sous-total sont écartées des dossiers par :mod:`.totaux`.
"""

from __future__ import annotations

import os
from pathlib import Path

from cdv_regles.lecture.entete import table_depuis_valeurs
from cdv_regles.lecture.limites import ENTETES_MIN, LIGNES_ENTETE_MAX, MO, Limites
from cdv_regles.lecture.table import Fusion, TableauExcel, TableBrute

__all__ = [
    "ENTETES_MIN", "LIGNES_ENTETE_MAX", "MO", "Fusion", "Limites", "TableBrute", "TableauExcel",
    "lire_table", "table_depuis_valeurs",
]


def lire_table(chemin: str | os.PathLike[str], *, limites: Limites | None = None) -> TableBrute:
    """Lit le tableau de programmation d'un classeur ou d'un CSV.

    Lève :class:`EntreeInvalide` (message en français, code de sortie 2) pour tout fichier
    illisible, trop gros, protégé, ou sans tableau reconnaissable ; jamais une autre exception.
    """
    from cdv_regles.lecture.fichier import examiner

    limites = limites or Limites.depuis_environnement()
    nom = os.fspath(chemin)
    p = Path(nom)
    debut = examiner(p, nom, limites)
    if debut.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        from cdv_regles.lecture.archive import inspecter_archive
        from cdv_regles.lecture.calamine import lire_classeur

        archive = inspecter_archive(p, nom, limites)
        return lire_classeur(p, nom, archive.format, archive, limites)
    from cdv_regles.lecture.xls import SIGNATURE, lire_xls

    if debut.startswith(SIGNATURE):
        return lire_xls(p, nom, limites)
    from cdv_regles.lecture.csv import lire_csv

    return lire_csv(p, nom, limites)
