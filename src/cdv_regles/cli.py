"""La ligne de commande ``cdv-regles``.

Statuts de sortie (pour la CI), les mêmes pour toutes les commandes :
  0    aucun constat au seuil d'échec ni au-dessus (ou : la commande a fait son travail) ;
  1    des constats au seuil d'échec ou au-dessus ;
  2    fichier inutilisable ou erreur d'usage (message en français sur la sortie d'erreur) ;
  3    un greffon ou un fichier de règles est en défaut (les autres règles ont tourné) ;
  4    erreur interne inattendue : une ligne en français, la trace Python dans un journal du
       dossier temporaire (son chemin est affiché) ; ``--debug`` l'affiche aussi ;
  130  interrompu (Ctrl+C) ;
  141  le lecteur de la sortie s'est arrêté (``cdv-regles verifier … | head -1``) : fin
       silencieuse, comme les outils Unix (128 + SIGPIPE).

Les commandes vivent chacune dans son module, chargé à la demande par le groupe (le motif
« LazyGroup » de la documentation de click) ; un module de commande n'importe que click et
``cdv_regles.options`` à son chargement, jamais ce module : ``cdv-regles --help`` reste instantané.
Les noms de commandes sont français ; les anciens noms anglais restent acceptés (alias).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from importlib import import_module

import click

from cdv_regles import __version__, options
from cdv_regles.click_fr import installer
from cdv_regles.erreurs import (
    SORTIE_ENTREE,
    SORTIE_INTERNE,
    SORTIE_INTERROMPU,
    SORTIE_TUBE_FERME,
    ErreurCdv,
)

installer()

# Ce que click met à la place de la sortie quand il a vu le tube fermé (classe privée : à défaut, rien).
_ENVELOPPE_TUBE_FERME: type | tuple = getattr(click.utils, "_PacifyFlushWrapper", ())

# Nom de la commande -> « module:objet », dans l'ordre de l'aide.
COMMANDES = {
    "verifier": "cdv_regles.commandes.verifier:verifier",
    "greffons": "cdv_regles.commandes.greffons:greffons",
    "synthese": "cdv_regles.synthese.commande:synthese",
    "exporter": "cdv_regles.export.commande:exporter",
    "classeur": "cdv_regles.classeur.commande:classeur",
    "millesime": "cdv_regles.ouverture:millesime",
    "nouveau-greffon": "cdv_regles.gabarit.commande:nouveau_greffon",
    "texte-git": "cdv_regles.textconv:texte_git",
}
# Anciens noms (anglais), acceptés pour que les scripts existants marchent encore ; absents de l'aide.
ALIAS = {"plugins": "greffons", "nouveau-plugin": "nouveau-greffon"}


class CommandeIndisponible(Exception):
    """Le module d'une commande ne se charge pas : l'installation est abîmée."""

    def __init__(self, nom: str, cause: BaseException) -> None:
        super().__init__(nom)
        self.nom = nom
        self.cause = cause


def _echouer(message: str, code: int = SORTIE_ENTREE) -> None:
    with contextlib.suppress(OSError, ValueError):
        click.echo(click.style("Erreur : ", fg="red", bold=True) + message, err=True)
    sys.exit(code)


def _tube_ferme() -> None:
    """Le lecteur (``| head``) est parti : on se tait, sans trace au moment de vider la sortie."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        nul = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nul, sys.stdout.fileno())
    sys.exit(SORTIE_TUBE_FERME)


def _erreur_interne(exc: BaseException) -> None:
    from cdv_regles.incident import journaliser, message_erreur_interne, trace

    cause = exc.cause if isinstance(exc, CommandeIndisponible) else exc
    journal = journaliser(cause)
    if options.mode_debug():
        with contextlib.suppress(OSError, ValueError):
            click.echo(trace(cause).rstrip("\n"), err=True)
    if isinstance(exc, CommandeIndisponible):
        quoi = (f"le module « {cause.name} » est introuvable" if isinstance(cause, ImportError) and cause.name
                else f"{type(cause).__name__} à son chargement")
        ou = f" La trace est dans {journal}." if journal else ""
        _echouer(f"la commande « {exc.nom} » ne peut pas être chargée ({quoi}) : l'installation de "
                 f"cdv-regles est incomplète ou abîmée ; réinstallez-la.{ou}", SORTIE_INTERNE)
    _echouer(message_erreur_interne(cause, journal), SORTIE_INTERNE)


def _indisponible(nom: str, cause: BaseException) -> click.Command:
    """Une commande qui dit pourquoi elle ne peut pas tourner, au lieu de disparaître de l'aide."""

    def lancer() -> None:
        raise CommandeIndisponible(nom, cause)

    return click.Command(nom, callback=lancer, add_help_option=False,
                         short_help="(indisponible : installation abîmée ; lancez-la pour le détail)",
                         context_settings={"ignore_unknown_options": True, "allow_extra_args": True})


class Groupe(click.Group):
    """Charge chaque commande à la demande et transforme toute erreur en message français."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDES]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        name = ALIAS.get(name, name)
        if name not in COMMANDES:
            return super().get_command(ctx, name)
        module, attribut = COMMANDES[name].split(":")
        try:
            commande = getattr(import_module(module), attribut)
        except Exception as e:  # un module cassé se voit : message, journal, statut 4
            return _indisponible(name, e)
        if not isinstance(commande, click.Command):
            return _indisponible(name, TypeError(f"{COMMANDES[name]} n'est pas une commande click"))
        return commande

    def main(self, *args, standalone_mode: bool = True, **kwargs):  # type: ignore[no-untyped-def,override]
        """Comme le mode « standalone » de click, sauf qu'un tube fermé finit en silence (141),
        y compris pendant l'aide, au lieu du statut 1 réservé aux constats."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except SystemExit as e:
            # click avale lui-même un tube fermé pendant l'aide (--help, --version) et sort en 1.
            if e.code == 1 and isinstance(sys.stdout, _ENVELOPPE_TUBE_FERME):
                _tube_ferme()
            raise
        except click.ClickException as e:
            with contextlib.suppress(OSError, ValueError):
                e.show()
            sys.exit(e.exit_code)
        except click.Abort:
            _echouer("interrompu.", SORTIE_INTERROMPU)
        except BrokenPipeError:
            _tube_ferme()
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise
            _tube_ferme()
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except ErreurCdv as e:
            _echouer(e.message, e.code_sortie)
        except KeyboardInterrupt:
            _echouer("interrompu.", SORTIE_INTERROMPU)
        except BrokenPipeError:
            _tube_ferme()
        except OSError as e:  # disque plein, droits, fichier verrouillé par Excel…
            if e.errno == errno.EPIPE:
                _tube_ferme()
            ou = f" ({e.filename})" if getattr(e, "filename", None) else ""
            _echouer(f"le système a refusé une lecture ou une écriture{ou} : {e.strerror or e}. "
                     "Vérifiez la place disponible, les droits du dossier et que le fichier n'est pas ouvert ailleurs.")
        except MemoryError:
            _echouer("mémoire insuffisante pour lire ce fichier : réduisez-le ou abaissez les limites "
                     "(CDV_REGLES_LIGNES_MAX).")
        except Exception as e:  # tout le reste est un défaut de cdv-regles, jamais un statut 1
            _erreur_interne(e)


@click.group(cls=Groupe, subcommand_metavar="COMMANDE [ARGUMENTS]...",
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="cdv-regles")
@options.debug()
def cdv_regles(debug: bool) -> None:
    """Contrôle du tableau de programmation d'un Contrat de Ville.

    Vérifie chaque dossier (pièces, échéances, budget, égalité, priorités des financeurs) avec
    les règles communes et celles de chaque partenaire, depuis la ligne de commande, la CI ou
    le bouton « Vérifier » du classeur.

    \b
    Statuts de sortie : 0 en règle ; 1 constats au seuil d'échec ; 2 fichier inutilisable ou
    erreur d'usage ; 3 greffon ou fichier de règles en défaut ; 4 erreur interne (trace dans
    un journal, affichée avec --debug) ; 130 interrompu ; 141 sortie fermée (« | head »).
    Anciens noms toujours acceptés : plugins (greffons), nouveau-plugin (nouveau-greffon).
    """
    del debug  # lu par options.mode_debug() là où une trace peut s'afficher


def main() -> None:
    """La commande ; se termine par SystemExit (son statut), comme une commande click."""
    from cdv_regles.processus import avant_l_arret, espacer_collecte

    espacer_collecte()
    try:
        cdv_regles.main(prog_name="cdv-regles", standalone_mode=True)
    except SystemExit:
        # Vider la sortie ici : un lecteur parti (« | head ») ne doit pas produire de trace
        # « Exception ignored … BrokenPipeError » à l'arrêt de Python.
        try:
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            _tube_ferme()
        raise
    finally:
        avant_l_arret()


def executer() -> None:
    """Le script ``cdv-regles`` et ``python -m cdv_regles`` : :func:`main`, puis l'arrêt du
    processus sans défaire ses objets (:func:`cdv_regles.processus.quitter`). Qui appelle
    :func:`main` depuis Python (tests, profilage) garde son SystemExit."""
    from cdv_regles.processus import quitter

    try:
        main()
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            quitter(e.code)
        raise


if __name__ == "__main__":
    executer()
