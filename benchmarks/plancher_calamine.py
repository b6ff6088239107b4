"""Plancher de la lecture d'un xlsx : calamine seul, sans rien de cdv-regles.

    python benchmarks/plancher_calamine.py CLASSEUR.xlsx

Les appels que fait ``cdv_regles.lecture.calamine`` pour la feuille du tableau, et rien d'autre :
ouvrir le classeur, analyser la feuille (``get_sheet_by_name``), en parcourir toutes les lignes
(``iter_rows``, une liste Python par ligne). Aucune lecture d'un xlsx par cdv-regles ne peut être
plus rapide que ce processus (la même bibliothèque fait le même travail) : c'est le plancher que
``mesurer.py`` place à côté de la cible à 50 000 dossiers.
"""

import os
import sys

from python_calamine import CalamineWorkbook


def main(chemin: str) -> int:
    classeur = CalamineWorkbook.from_path(chemin)
    feuille = classeur.get_sheet_by_name(classeur.sheet_names[0])
    lignes = sum(1 for _ in feuille.iter_rows())
    print(f"{lignes} lignes lues", flush=True)
    return 0


if __name__ == "__main__":
    statut = main(sys.argv[1])
    os._exit(statut)  # comme cdv-regles (processus.quitter) : sans démontage des objets Python
