"""Le classeur partagé : construction du .xlsm et bouton « Vérifier » (xlwings).

Ce module est importé à chaque clic sur « Vérifier » (``RunPython``) : il n'importe rien de
lourd ; chaque fonction charge ce dont elle a besoin.
"""

from __future__ import annotations

from typing import Any


def verifier(book: Any) -> dict[str, Any]:
    """Contrôle le tableau du classeur ouvert ``book`` (API Book d'xlwings). Voir ``controle``."""
    from cdv_regles.classeur.controle import verifier as _verifier

    return _verifier(book)


def verifier_appelant() -> None:
    """Point d'entrée de la macro « Verifier » (``RunPython``) : le classeur qui a appelé."""
    from cdv_regles.classeur.appelant import verifier_appelant as _appelant

    _appelant()


__all__ = ["verifier", "verifier_appelant"]
