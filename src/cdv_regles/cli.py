"""La ligne de commande ``cdv-regles``.

Statuts de sortie (pour la CI) :
  0  aucun constat au seuil d'échec ni au-dessus ;
  1  des constats au seuil d'échec ou au-dessus ;
  2  fichier inutilisable ou erreur d'usage (message sur la sortie d'erreur) ;
  3  un greffon ou un fichier de règles est en défaut (les autres règles ont tourné).

Les modules lourds (polars, pandera) ne sont importés que par les commandes qui en ont besoin :
``cdv-regles --help`` reste instantané.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from cdv_regles import __version__
from cdv_regles.click_fr import installer
from cdv_regles.erreurs import ErreurCdv
from cdv_regles.rapports import FORMATS

installer()

SORTIE_CONSTATS, SORTIE_ENTREE, SORTIE_GREFFON = 1, 2, 3


class DateFr(click.ParamType):
    name = "date"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"« {value} » n'est pas une date AAAA-MM-JJ (p. ex. 2023-03-01)", param, ctx)


def _echouer(message: str, code: int = SORTIE_ENTREE) -> None:
    click.echo(click.style("Erreur : ", fg="red", bold=True) + message, err=True)
    sys.exit(code)


# Commandes définies dans leur propre module, importées seulement quand on les appelle (ou pour
# l'aide) : chaque module ne doit importer que click à son chargement.
COMMANDES_MODULES = {
    "classeur": "cdv_regles.classeur.commande:classeur",
    "synthese": "cdv_regles.synthese.commande:synthese",
    "exporter": "cdv_regles.export.commande:exporter",
    "nouveau-plugin": "cdv_regles.gabarit.commande:nouveau_plugin",
    "texte-git": "cdv_regles.textconv:texte_git",
}


class Groupe(click.Group):
    """Transforme toute erreur attendue en message français et statut 2, jamais en trace."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDES_MODULES})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        commande = super().get_command(ctx, name)
        if commande is None and name in COMMANDES_MODULES:
            from importlib import import_module

            module, attribut = COMMANDES_MODULES[name].split(":")
            try:
                commande = getattr(import_module(module), attribut)
            except (ImportError, AttributeError):
                return None  # module pas encore livré : la commande n'apparaît pas
        return commande

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except ErreurCdv as e:
            _echouer(e.message, e.code_sortie)
        except KeyboardInterrupt:
            _echouer("interrompu.", 130)
        except OSError as e:  # disque plein, droits, fichier verrouillé par Excel…
            ou = f" ({e.filename})" if getattr(e, "filename", None) else ""
            _echouer(f"le système a refusé une lecture ou une écriture{ou} : {e.strerror or e}. "
                     "Vérifiez la place disponible, les droits du dossier et que le fichier n'est pas ouvert ailleurs.")
        except MemoryError:
            _echouer("mémoire insuffisante pour lire ce fichier : réduisez-le ou abaissez les limites "
                     "(CDV_REGLES_LIGNES_MAX).")


@click.group(cls=Groupe, subcommand_metavar="COMMANDE [ARGUMENTS]...",
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="cdv-regles")
def cdv_regles() -> None:
    """Contrôle du tableau de programmation d'un Contrat de Ville.

    Vérifie chaque dossier (pièces, échéances, budget, égalité, priorités des financeurs) avec
    les règles communes et celles de chaque partenaire, depuis la ligne de commande, la CI ou
    le bouton « Vérifier » du classeur.
    """


@cdv_regles.command()
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "format_", type=click.Choice(list(FORMATS)), default="texte",
              show_default=True, help="Format du rapport.")
@click.option("--date", "date_reference", type=DateFr(), metavar="AAAA-MM-JJ",
              help="Date de référence des échéances (défaut : aujourd'hui).")
@click.option("--millesime", type=click.IntRange(2000, 2100), metavar="AAAA",
              help="Année de programmation (défaut : la plus récente disponible).")
@click.option("--sortie", type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER",
              help="Écrit le rapport dans ce fichier au lieu de l'afficher.")
@click.option("--echec-si", "seuil", type=click.Choice(["bloquant", "alerte"]), default="bloquant",
              show_default=True, help="Gravité à partir de laquelle la commande échoue (statut 1).")
@click.option("--sans", multiple=True, metavar="GREFFON",
              help="Désactive un greffon (répétable ; aussi : CDV_REGLES_DESACTIVER=a,b).")
def verifier(fichier: Path, format_: str, date_reference: dt.date | None, millesime: int | None,
             sortie: Path | None, seuil: str, sans: tuple[str, ...]) -> None:
    """Vérifie FICHIER (.xlsx, .xlsm, .ods ou .csv) et rapporte chaque constat.

    Statut de sortie : 0 si aucun constat au seuil, 1 sinon, 2 si le fichier est inutilisable,
    3 si un greffon ou un fichier de règles est en défaut.
    """
    from cdv_regles.constats import atteint
    from cdv_regles.ecriture import ecrire_texte
    from cdv_regles.greffons import noms_desactives
    from cdv_regles.rapports import rendre
    from cdv_regles.verification import verifier_fichier

    desactives = noms_desactives(sans)
    if "socle" in desactives:
        _echouer("le socle (règles communes) ne peut pas être désactivé.")
    resultat = verifier_fichier(fichier, millesime=millesime, date_reference=date_reference,
                                desactives=desactives)
    couleur = sortie is None and sys.stdout.isatty()
    texte = rendre(format_, resultat, couleur=couleur, seuil=seuil)
    if sortie is not None:
        ecrire_texte(sortie, texte, protege=fichier)
        click.echo(f"Rapport écrit dans {sortie}.", err=True)
    else:
        click.echo(texte, nl=False)
    for d in resultat.defauts:
        click.echo(click.style("Défaut : ", fg="red", bold=True) + str(d), err=True)
    if resultat.defauts:
        sys.exit(SORTIE_GREFFON)
    if any(atteint(c.gravite, seuil) for c in resultat.constats):
        sys.exit(SORTIE_CONSTATS)


@cdv_regles.command()
@click.option("--format", "format_", type=click.Choice(["texte", "json"]), default="texte",
              show_default=True, help="Format de la liste.")
@click.option("--millesime", type=click.IntRange(2000, 2100), metavar="AAAA",
              help="Millésime dont on compte les règles (défaut : le plus récent).")
@click.option("--sans", multiple=True, metavar="GREFFON", help="Désactive un greffon (répétable).")
def plugins(format_: str, millesime: int | None, sans: tuple[str, ...]) -> None:
    """Liste les greffons installés : nom, partenaire, version, nombre de règles."""
    import json

    from cdv_regles.greffons import noms_desactives
    from cdv_regles.verification import preparer

    greffons, catalogue = preparer(millesime, noms_desactives(sans))
    lignes = []
    for g in greffons.actifs:
        nb = len({r.id for r in catalogue.regles if r.partenaire == g.partenaire})
        lignes.append({"nom": g.nom, "partenaire": g.partenaire, "nom_partenaire": g.nom_partenaire,
                       "version": g.version, "regles": nb, "actif": True})
    lignes += [{"nom": n, "partenaire": "", "nom_partenaire": "", "version": "", "regles": 0,
                "actif": False} for n in greffons.desactives]
    if format_ == "json":
        click.echo(json.dumps({"millesime": catalogue.millesime, "greffons": lignes,
                               "defauts": [str(d) for d in catalogue.defauts]}, ensure_ascii=False, indent=2))
    else:
        click.echo(f"Greffons (millésime {catalogue.millesime}) :")
        for g in lignes:
            etat = f"{g['regles']:>3} règle(s)" if g["actif"] else "désactivé"
            click.echo(f"  {g['nom']:<26} {g['nom_partenaire']:<40} {g['version']:<8} {etat}")
        for d in catalogue.defauts:
            click.echo(click.style("  Défaut : ", fg="red") + str(d))
    if catalogue.defauts:
        sys.exit(SORTIE_GREFFON)


def main() -> None:
    cdv_regles(prog_name="cdv-regles")


if __name__ == "__main__":
    main()
