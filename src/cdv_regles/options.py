"""Les options partagées des commandes, déclarées une seule fois.

Chaque commande les compose (``@options.millesime()``, ``@options.sortie()``…) : même nom, même
type, même aide et mêmes contrôles partout. Ce module n'importe que click (et rien de lourd) :
``cdv-regles --help`` reste instantané.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

# Bornes de plausibilité seulement : les millésimes couverts par les règles sont vérifiés ensuite,
# par la commande, qui les nomme.
MILLESIME_MIN, MILLESIME_MAX = 1900, 2999
SORTIE_STANDARD = "-"  # --sortie - : écrire sur la sortie standard


class DateFr(click.ParamType):
    """Une date AAAA-MM-JJ, refusée en français sinon."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"« {value} » n'est pas une date AAAA-MM-JJ (p. ex. 2023-03-01)", param, ctx)


class Millesime(click.ParamType):
    """Une année AAAA, refusée en français sinon."""

    name = "millesime"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            annee = value
        else:
            texte = str(value).strip()
            if not (texte.isascii() and texte.isdigit()):
                self.fail(f"« {value} » n'est pas une année (AAAA, p. ex. 2023)", param, ctx)
            annee = int(texte)
        if not MILLESIME_MIN <= annee <= MILLESIME_MAX:
            self.fail(f"« {value} » n'est pas un millésime plausible (une année entre {MILLESIME_MIN} "
                      f"et {MILLESIME_MAX}, p. ex. 2023)", param, ctx)
        return annee


class CheminSortie(click.ParamType):
    """Un fichier à écrire : ``-`` (sortie standard, si permis), ou un chemin qui n'existe pas
    encore ou qui est un fichier ordinaire — jamais un périphérique, un tube ou un dossier."""

    name = "fichier"

    def __init__(self, tiret: bool = True) -> None:
        self.tiret = tiret

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from cdv_regles.ecriture import verifier_cible
        from cdv_regles.erreurs import ErreurCdv

        chemin = Path(value)
        if str(value) == SORTIE_STANDARD:
            if not self.tiret:
                self.fail("« - » (sortie standard) n'est pas possible ici : donnez un nom de fichier.", param, ctx)
            return chemin
        try:
            verifier_cible(chemin)
        except ErreurCdv as e:
            self.fail(e.message, param, ctx)
        return chemin


def verifier_sortie(sortie: Path | None) -> None:
    """À l'entrée d'une commande, avant le travail : le dossier de ``--sortie`` doit exister.

    (Pas dans le type de l'option : valider une ligne de commande ne dépend pas du disque.)
    """
    from cdv_regles.ecriture import est_sortie_standard
    from cdv_regles.erreurs import ErreurCdv

    if sortie is None or est_sortie_standard(sortie):
        return
    dossier = sortie.parent if str(sortie.parent) else Path(".")
    if not dossier.is_dir():
        raise ErreurCdv(f"--sortie {sortie} : le dossier {dossier} n'existe pas : créez-le ou choisissez "
                        "un autre chemin.")


def millesime(*, requis: bool = False, aide: str | None = None) -> Callable[[F], F]:
    """``--millesime AAAA`` : l'année de programmation dont on applique les règles."""
    return click.option(
        "--millesime", type=Millesime(), metavar="AAAA", required=requis,
        help=aide or ("Année de programmation (p. ex. 2023)." if requis
                      else "Année de programmation (défaut : celle dont le calendrier couvre --date ; "
                           "un millésime sans règles est refusé)."))


def date_reference() -> Callable[[F], F]:
    """``--date AAAA-MM-JJ`` : la date à laquelle on juge les échéances."""
    return click.option("--date", "date_reference", type=DateFr(), metavar="AAAA-MM-JJ",
                        help="Date de référence des échéances (défaut : aujourd'hui).")


def sans() -> Callable[[F], F]:
    """``--sans GREFFON`` (répétable) : désactive un greffon installé ; un nom inconnu est refusé."""
    return click.option("--sans", multiple=True, metavar="GREFFON", callback=_valider_sans,
                        help="Désactive un greffon (répétable ; aussi : CDV_REGLES_DESACTIVER=a,b). "
                             "La liste : cdv-regles greffons.")


def format_(choix: Sequence[str], *, defaut: str | None = None, aide: str = "Format du rapport.") -> Callable[[F], F]:
    """``--format`` parmi ``choix`` (chaque commande a les siens)."""
    return click.option("--format", "format_", type=click.Choice(list(choix)), default=defaut,
                        show_default=defaut is not None, help=aide)


def sortie(*, requis: bool = False, tiret: bool = True, metavar: str = "FICHIER",
           aide: str = "Écrit le résultat dans ce fichier (« - » : sur la sortie standard).") -> Callable[[F], F]:
    """``--sortie FICHIER`` : jamais un périphérique, un tube ou un dossier ; ``-`` pour la sortie standard."""
    return click.option("--sortie", type=CheminSortie(tiret=tiret), required=requis, metavar=metavar, help=aide)


def echec_si() -> Callable[[F], F]:
    """``--echec-si`` : la gravité à partir de laquelle la commande sort avec le statut 1."""
    return click.option("--echec-si", "seuil", type=click.Choice(["bloquant", "alerte"]), default="bloquant",
                        show_default=True, help="Gravité à partir de laquelle la commande échoue (statut 1).")


def desactives(option_sans: Sequence[str]) -> set[str]:
    """Les greffons à désactiver (``--sans`` et CDV_REGLES_DESACTIVER) ; le socle ne l'est jamais."""
    from cdv_regles.greffons import noms_desactives

    return noms_desactives(tuple(option_sans))


def _valider_sans(ctx: click.Context, param: click.Parameter, valeur: tuple[str, ...]) -> tuple[str, ...]:
    from cdv_regles.greffons import greffons_inconnus

    noms = [n.strip() for n in valeur if n.strip()]
    if not noms:
        return ()
    refus = greffons_inconnus(noms)
    if refus:
        raise click.BadParameter(refus, ctx, param)
    return tuple(noms)


def debug() -> Callable[[F], F]:
    """``--debug`` (ou CDV_REGLES_DEBUG=1) : les traces Python, pour qui développe un greffon."""
    return click.option("--debug", is_flag=True, envvar="CDV_REGLES_DEBUG", is_eager=True,
                        help="Affiche les traces Python des erreurs internes et des défauts de greffons "
                             "(aussi : CDV_REGLES_DEBUG=1).")


def mode_debug() -> bool:
    """Vrai si ``--debug`` a été donné (ou CDV_REGLES_DEBUG=1), même hors d'une commande."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get("debug"):
            return True
        ctx = ctx.parent
    return os.environ.get("CDV_REGLES_DEBUG", "").strip().lower() in {"1", "oui", "true", "yes", "vrai"}
