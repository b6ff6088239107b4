"""Petites opérations sur le classeur ouvert, écrites contre l'API Book d'xlwings seulement.

Ce qui sert ici marche avec Excel (Windows, macOS, ``RunPython``), avec xlwings Server et
xlwings Lite (``xw.Book(json=...)``) et avec le faux Book des tests.
"""

from __future__ import annotations

import contextlib
from typing import Any


def trouver_feuille(book: Any, nom: str) -> Any | None:
    """La feuille ``nom`` (Excel ignore la casse des noms de feuilles), ou None."""
    for feuille in book.sheets:
        if feuille.name.casefold() == nom.casefold():
            return feuille
    return None


def feuille_outil(book: Any, nom: str, *, masquee: bool = False) -> Any:
    """Une feuille que l'outil possède, vidée (contenu et formats) ou créée à la fin."""
    feuille = trouver_feuille(book, nom)
    if feuille is None:
        derniere = book.sheets[len(book.sheets) - 1]
        feuille = book.sheets.add(name=nom, after=derniere)
    else:
        feuille.clear()
    if masquee:
        feuille.visible = False
    return feuille


def zone_impression(feuille: Any, adresse: str) -> None:
    """Pose la zone d'impression (``PageSetup.print_area`` d'xlwings, Excel Windows et macOS).

    Le reste de la mise en page (paysage, ajustement en largeur, ligne d'en-tête répétée) n'est pas
    dans l'API Book d'xlwings : il est posé par la construction du classeur sur les feuilles
    Contrôles et Synthèse, qu'Excel garde quand « Vérifier » les vide. xlwings Server / Lite ne
    transmettent pas la mise en page : sans effet là.
    """
    with contextlib.suppress(Exception):
        feuille.page_setup.print_area = adresse


def alerte(book: Any, message: str, titre: str, mode: str) -> None:
    """Boîte de message (MsgBox dans Excel, alerte dans xlwings Server / Lite)."""
    book.app.alert(message, title=titre, buttons="ok", mode=mode)


def figer_ecran(book: Any, fige: bool) -> None:
    """Suspend l'affichage pendant l'écriture (plus rapide sous Excel) ; sans effet ailleurs."""
    # xlwings Server / Lite, ou Excel occupé : sans conséquence.
    with contextlib.suppress(Exception):
        book.app.screen_updating = not fige
