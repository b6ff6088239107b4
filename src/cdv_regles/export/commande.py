"""Commande ``cdv-regles exporter`` : publier les subventions accordées (open data SCDL).

Ce module n'importe que click à son chargement : ``cdv-regles --help`` reste instantané.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cdv_regles import options

EXTENSIONS_TABLEUR = {".xlsx", ".xlsm", ".xls", ".ods"}


@click.group(name="exporter")
def exporter() -> None:
    """Exporte le tableau de programmation vers des formats publiés."""


@exporter.command(name="scdl")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@options.sortie(requis=True, metavar="FICHIER.csv",
                aide="CSV à écrire (jamais le tableau lui-même ; « - » : sur la sortie standard).")
@click.option("--financeur", "financeurs", multiple=True, metavar="CODE",
              help="Financeur à exporter, par son code (celui de son greffon, p. ex. etat, caf-nord : "
                   "voir cdv-regles plugins) ou sa clé (cavm…) ; répétable. Défaut : tous les financeurs "
                   "du millésime (liste « financeurs »).")
@click.option("--statut", "statuts", multiple=True, metavar="STATUT",
              help="Statut des dossiers exportés ; répétable. Défaut : « Validé en comité ».")
@click.option("--date-convention", type=options.DateFr(), metavar="AAAA-MM-JJ",
              help="Date de signature des conventions (champ obligatoire dateConvention), pour les "
                   "dossiers dont le tableau n'a pas de « Date de la convention ».")
@options.millesime(aide="Millésime des paramètres (attribuants) ; défaut : celui dont le calendrier couvre --date.")
@click.option("--date", "date_reference", type=options.DateFr(), metavar="AAAA-MM-JJ",
              help="Date de référence qui choisit le millésime sans --millesime (défaut : aujourd'hui).")
def scdl(fichier: Path, sortie: Path, financeurs: tuple[str, ...], statuts: tuple[str, ...],
         date_convention: dt.date | None, millesime: int | None, date_reference: dt.date | None) -> None:
    """Exporte les subventions de FICHIER au format SCDL Subventions 2.1.1 (CSV).

    Une ligne par dossier retenu et par financeur dont le montant est positif. Le bonus égalité
    s'ajoute au montant de Valenciennes Métropole ; la colonne « Commune(s) » n'est pas exportée
    (pas d'attribuant identifiable). Chaque attribuant publie ses propres subventions : écrivez
    le SIRET de votre organisation (et de tout autre financeur exporté) dans cdv-regles.toml, à
    côté de FICHIER, section [attribuants] : valenciennes-metropole = "14 chiffres". Noms et SIRET
    déjà connus : regles/parametres/attribuants.yaml.

    Le CSV (UTF-8, virgule) est écrit d'un coup, sans jamais remplacer FICHIER ; une cellule
    qui commencerait par =, +, - ou @ est précédée d'une apostrophe pour qu'aucun tableur ne
    l'exécute. Statut de sortie 2 si un champ obligatoire manque : le message liste les dossiers.
    """
    from cdv_regles.ecriture import ecrire_octets
    from cdv_regles.erreurs import ErreurCdv
    from cdv_regles.export.scdl import STATUT_PAR_DEFAUT, exporter_fichier

    options.verifier_sortie(sortie)
    if sortie.suffix.lower() in EXTENSIONS_TABLEUR:
        raise ErreurCdv(f"--sortie {sortie} : l'export SCDL est un fichier CSV ; choisissez un nom en .csv "
                        "(un classeur ne doit jamais être remplacé par l'export).")
    contenu, resume = exporter_fichier(fichier, statuts=statuts or (STATUT_PAR_DEFAUT,),
                                       financeurs=financeurs, date_convention=date_convention,
                                       millesime=millesime, date_reference=date_reference)
    ecrire_octets(sortie, contenu, protege=fichier)
    from cdv_regles.affichage import visible  # un nom de fichier peut porter des caractères de contrôle
    click.echo(f"{resume} écrite(s) dans {visible(sortie)}.", err=True)
