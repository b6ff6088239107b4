"""Ce qui se passe pendant une longue commande, dit sur la sortie d'erreur d'un terminal.

Rien n'est écrit quand la sortie d'erreur n'est pas un terminal (CI, bouton du classeur, tube) :
les journaux restent ceux des seuls résultats.
"""

from __future__ import annotations

import sys
import time

_DEBUT = time.monotonic()


def sur_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # flux remplacé ou fermé
        return False


def etape(message: str) -> None:
    """Annonce une étape (« Lecture de … ») sur un terminal, avec le temps écoulé."""
    if not sur_terminal():
        return
    import click

    click.echo(click.style(f"[{time.monotonic() - _DEBUT:5.1f} s] {message}", dim=True), err=True)
