"""Commande ``cdv-regles verifier`` : vérifie un tableau et rapporte chaque constat."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from cdv_regles import options
from cdv_regles.erreurs import SORTIE_CONSTATS, SORTIE_GREFFON
from cdv_regles.rapports import FORMATS  # la table des formats seule : aucun rendu importé


@click.command(name="verifier")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@options.format_(FORMATS, defaut="texte")
@options.date_reference()
@options.millesime()
@options.sortie(aide="Écrit le rapport dans ce fichier au lieu de l'afficher.")
@options.echec_si()
@options.sans()
@click.option("--infos", is_flag=True,
              help="Rapport texte : détaille aussi les constats d'information (sinon comptés en une ligne).")
def verifier(fichier: Path, format_: str, date_reference: dt.date | None, millesime: int | None,
             sortie: Path | None, seuil: str, sans: tuple[str, ...], infos: bool) -> None:
    """Vérifie FICHIER (.xlsx, .xlsm, .ods ou .csv) et rapporte chaque constat.

    Le rapport texte montre d'abord les constats bloquants, puis les alertes, puis compte les
    informations (--infos les détaille).

    Statut de sortie : 0 si aucun constat au seuil, 1 sinon, 2 si le fichier est inutilisable,
    3 si un greffon ou un fichier de règles est en défaut, 4 en cas d'erreur interne.
    """
    from cdv_regles.constats import atteint
    from cdv_regles.ecriture import ecrire_texte, est_sortie_standard
    from cdv_regles.incident import signaler_defauts
    from cdv_regles.progression import etape
    from cdv_regles.rapports import rendre
    from cdv_regles.verification import verifier_fichier

    desactives = options.desactives(sans)
    options.verifier_sortie(sortie)
    etape(f"Vérification de {fichier}…")
    resultat = verifier_fichier(fichier, millesime=millesime, date_reference=date_reference,
                                desactives=desactives)
    vers_ecran = sortie is None or est_sortie_standard(sortie)
    couleur = vers_ecran and sys.stdout.isatty()
    texte = rendre(format_, resultat, couleur=couleur, seuil=seuil, infos=infos)
    if vers_ecran:
        click.echo(texte, nl=False)
    else:
        ecrire_texte(sortie, texte, protege=fichier)
        from cdv_regles.affichage import visible  # un nom de fichier peut porter des caractères de contrôle
        click.echo(f"Rapport écrit dans {visible(sortie)}.", err=True)
    signaler_defauts(resultat.defauts)
    if resultat.defauts:
        sys.exit(SORTIE_GREFFON)
    if any(atteint(c.gravite, seuil) for c in resultat.constats):
        sys.exit(SORTIE_CONSTATS)
