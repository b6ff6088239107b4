"""Entrée de la macro « Verifier » : ``RunPython "import cdv_regles.classeur as c; c.verifier_appelant()"``.

Le classeur qui a appelé est retrouvé par ``xw.Book.caller()`` (arguments passés par le module
VBA d'xlwings) : rien n'est rouvert depuis le disque. Ce chemin n'utilise jamais xlwings PRO.
"""

from __future__ import annotations

import sys


def verifier_appelant() -> None:
    from cdv_regles.processus import avant_l_arret, espacer_collecte

    espacer_collecte()  # un clic = un Python neuf (RunPython) : réglages du processus
    try:
        import xlwings as xw

        book = xw.Book.caller()
    except Exception as e:  # xlwings absent, ou Excel injoignable : pas de boîte possible
        # Le module VBA d'xlwings affiche la sortie d'erreur d'un Python qui échoue : elle
        # porte donc un message en français, sans trace.
        print(
            "Vérifier n'a pas pu joindre le classeur ouvert dans Excel "
            f"({e.__class__.__name__} : {e}). Vérifiez que xlwings est installé dans le Python "
            "indiqué dans la feuille xlwings.conf, à la même version que le classeur "
            "(voir classeurs/README.md, « Dépannage »).",
            file=sys.stderr,
        )
        raise SystemExit(1) from None
    from cdv_regles.classeur.controle import verifier

    try:
        verifier(book)
    finally:
        avant_l_arret()  # le clic fini, ce Python s'arrête
