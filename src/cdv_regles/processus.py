"""Réglages d'un processus cdv-regles : chaque lancement (commande, bouton « Vérifier ») est un
Python neuf qui lit un tableau, vérifie, écrit et s'arrête.

Le ramasse-miettes cyclique de Python se déclenche toutes les 700 allocations d'objets
conteneurs ; une lecture de 50 000 dossiers en crée des millions (rangées, cellules), presque
tous vivants jusqu'à la fin, qu'il parcourt encore et encore pour rien : ~10 % du temps, mesuré
dans ``benchmarks/``. Espacer ses passages garde la mémoire (les cycles restent ramassés) et
rend ce temps ; à l'arrêt, figer les objets évite un dernier parcours inutile. Réglé au
lancement du processus seulement, jamais par la bibliothèque : un programme qui importe
cdv_regles garde ses réglages.
"""

from __future__ import annotations

import gc

#: Seuils du ramasse-miettes pendant un lancement (générations 0, 1, 2 ; Python : 700, 10, 10).
SEUILS_COLLECTE = (100_000, 50, 100)


def espacer_collecte() -> None:
    """Le ramasse-miettes passe moins souvent (voir le module)."""
    gc.set_threshold(*SEUILS_COLLECTE)


def avant_l_arret() -> None:
    """Le travail fait, Python s'arrête : son dernier passage du ramasse-miettes parcourrait
    encore tous les objets vivants (modules de polars et de pandera, tableau, constats) pour
    n'en libérer aucun, 0,2 s à chaque clic. Figés, ils ne sont plus parcourus ; rien d'autre
    ne change à l'arrêt (fichiers fermés, crochets atexit, journaux)."""
    gc.freeze()
