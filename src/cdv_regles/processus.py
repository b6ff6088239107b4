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

import atexit
import contextlib
import gc
import os
import sys

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


def quitter(code: int | None) -> None:
    """Arrête le processus avec ``code`` sans défaire un à un ses objets.

    À l'arrêt normal, Python libère chaque objet vivant (le tableau, ses dizaines de milliers de
    constats, les DataFrames, les modules) pour rien : 0,1 à 0,2 s sur 50 000 dossiers, mesuré
    dans ``benchmarks/``. Ici les crochets atexit passent d'abord (journaux vidés, dossiers
    temporaires retirés), puis les sorties standard sont vidées, puis le processus s'arrête.
    Les fichiers que cdv-regles écrit sont fermés (et synchronisés) avant ; appelé seulement
    par le point d'entrée de la commande, après son travail.
    """
    atexit._run_exitfuncs()
    for flux in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # fermée (« | head ») : rien à vider
            flux.flush()
    os._exit(code or 0)
