"""« Vérifier » comme script xlwings, pour xlwings Server et xlwings Lite (Excel web, macOS).

Dans xlwings Lite, ``main.py`` contient simplement::

    from cdv_regles.classeur.script import verifier_classeur  # noqa: F401

et le script « Vérifier » apparaît dans le volet d'xlwings. Le classeur est fourni par le client
(``xw.Book`` injecté) : la même fonction ``verifier(book)`` que le bouton VBA s'y applique.
Voir classeurs/README.md.
"""

from __future__ import annotations

import xlwings as xw

from cdv_regles.classeur.controle import verifier


@xw.script(name="Vérifier")
def verifier_classeur(book: xw.Book) -> None:
    """Contrôle le tableau de programmation du classeur ouvert."""
    verifier(book)
