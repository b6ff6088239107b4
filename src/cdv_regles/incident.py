"""Les erreurs inattendues et les défauts de greffons, tels que les voit la personne.

Une erreur inattendue (ni une ErreurCdv, ni un défaut de greffon) est un défaut de cdv-regles :
la personne lit une ligne en français et le chemin d'un journal qui garde la trace Python, à
joindre au signalement ; ``--debug`` (ou CDV_REGLES_DEBUG=1) affiche aussi la trace.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PREFIXE_JOURNAL = "cdv-regles-erreur-"


def trace(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def journaliser(exc: BaseException) -> Path | None:
    """Écrit la trace de ``exc`` dans un journal du dossier temporaire de l'utilisateur."""
    from cdv_regles import __version__

    entete = (f"cdv-regles {__version__} — Python {sys.version.split()[0]} — {sys.platform}\n"
              f"{dt.datetime.now().isoformat(timespec='seconds')}\n"
              f"commande : {' '.join(sys.argv)}\n\n")
    try:
        fd, nom = tempfile.mkstemp(prefix=PREFIXE_JOURNAL, suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
            f.write(entete + trace(exc))
    except OSError:
        return None
    return Path(nom)


def message_erreur_interne(exc: BaseException, journal: Path | None) -> str:
    ou = (f"La trace est dans {journal} : joignez ce fichier à votre signalement."
          if journal is not None else "La trace n'a pas pu être écrite : relancez avec --debug pour la voir.")
    return (f"erreur interne de cdv-regles ({type(exc).__name__}) : ce n'est pas une erreur de votre "
            f"fichier. {ou}")


def trace_du_defaut(defaut: Any) -> str | None:
    """La trace Python gardée par un défaut de greffon, s'il en a une."""
    for nom in ("trace", "traceback"):
        valeur = getattr(defaut, nom, None)
        if isinstance(valeur, str) and valeur.strip():
            return valeur
    return None


def signaler_defauts(defauts: Iterable[Any], *, message: bool = True) -> None:
    """Une ligne française par défaut sur la sortie d'erreur ; la trace aussi avec --debug."""
    import click

    from cdv_regles.options import mode_debug

    debug = mode_debug()
    for d in defauts:
        if message:
            click.echo(click.style("Défaut : ", fg="red", bold=True) + str(d), err=True)
        texte = trace_du_defaut(d) if debug else None
        if texte:
            click.echo(texte.rstrip("\n"), err=True)
