"""Commande ``cdv-regles classeur nouveau`` : génère le classeur partagé à macros."""

from __future__ import annotations

from pathlib import Path

import click

from cdv_regles import options


@click.group(name="classeur")
def classeur() -> None:
    """Classeur Excel partagé avec son bouton « Vérifier »."""


@classeur.command(name="nouveau")
@options.millesime(requis=True, aide="Année de programmation (p. ex. 2023) : règles, listes et dates du classeur.")
@options.sortie(tiret=False, metavar="FICHIER.xlsm",
                aide="Chemin du classeur à écrire (.xlsm). Par défaut : programmation-AAAA.xlsm "
                     "dans le dossier courant.")
@click.option("--remplacer", is_flag=True,
              help="Remplacer le fichier de sortie s'il existe (sinon il n'est jamais écrasé).")
def nouveau(millesime: int, sortie: Path | None, remplacer: bool) -> None:
    """Génère le classeur de programmation (tableau, listes, bouton Vérifier et sa macro).

    Le classeur est construit sans Excel à partir des référentiels des règles ; le module
    VBA d'xlwings vient du paquet xlwings installé.
    """
    from cdv_regles.classeur.construction import verifier_sortie
    from cdv_regles.incident import signaler_defauts

    sortie = sortie or Path(f"programmation-{millesime}.xlsm")
    verifier_sortie(sortie, remplacer)  # avant tout travail : un fichier présent est dit tout de suite
    chemin, defauts = _generer(millesime, sortie, remplacer)
    for defaut in defauts:
        click.echo(f"Attention : {defaut}", err=True)
    signaler_defauts(defauts, message=False)
    click.echo(f"Classeur écrit : {chemin}")


def _generer(millesime: int, sortie: Path, remplacer: bool) -> tuple[Path, list]:
    from cdv_regles import catalogue, greffons
    from cdv_regles.chemins import millesimes_disponibles
    from cdv_regles.classeur.construction import construire_classeur, contenu_depuis
    from cdv_regles.erreurs import ErreurCdv
    from cdv_regles.progression import etape

    disponibles = millesimes_disponibles()
    if not disponibles or millesime < disponibles[0]:
        connus = ", ".join(map(str, disponibles)) or "aucun"
        raise ErreurCdv(
            f"Pas de règles pour le millésime {millesime} (millésimes disponibles : {connus}). "
            "Donnez --millesime avec une de ces années ou une année postérieure."
        )
    etape("Chargement des règles et des greffons…")
    g = greffons.charger()
    cat = catalogue.construire(g, millesime)
    etape("Préparation des listes et du module VBA…")
    contenu = contenu_depuis(cat.colonnes, cat.referentiels, millesime)
    etape(f"Écriture de {sortie}…")
    chemin = construire_classeur(sortie, contenu, remplacer=remplacer)
    return chemin, list(cat.defauts)
