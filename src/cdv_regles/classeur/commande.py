"""Commande ``cdv-regles classeur nouveau`` : génère le classeur partagé à macros."""

from __future__ import annotations

from pathlib import Path

import click


@click.group(name="classeur")
def classeur() -> None:
    """Classeur Excel partagé avec son bouton « Vérifier »."""


@classeur.command(name="nouveau")
@click.option("--millesime", type=int, required=True,
              help="Année de programmation (p. ex. 2023) : règles, listes et dates du classeur.")
@click.option("--sortie", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Chemin du classeur à écrire (.xlsm). Par défaut : programmation-AAAA.xlsm "
                   "dans le dossier courant.")
@click.option("--remplacer", is_flag=True,
              help="Remplacer le fichier de sortie s'il existe (sinon il n'est jamais écrasé).")
@click.pass_context
def nouveau(ctx: click.Context, millesime: int, sortie: Path | None, remplacer: bool) -> None:
    """Génère le classeur de programmation (tableau, listes, bouton Vérifier et sa macro).

    Le classeur est construit sans Excel à partir des référentiels des règles ; le module
    VBA d'xlwings vient du paquet xlwings installé.
    """
    from cdv_regles.erreurs import ErreurCdv

    sortie = sortie or Path(f"programmation-{millesime}.xlsm")
    try:
        chemin, defauts = _generer(millesime, sortie, remplacer)
    except ErreurCdv as e:
        click.echo(f"Erreur : {e.message}", err=True)
        ctx.exit(e.code_sortie)
    for defaut in defauts:
        click.echo(f"Attention : {defaut}", err=True)
    click.echo(f"Classeur écrit : {chemin}")


def _generer(millesime: int, sortie: Path, remplacer: bool) -> tuple[Path, list[str]]:
    from cdv_regles import catalogue, greffons
    from cdv_regles.chemins import millesimes_disponibles
    from cdv_regles.classeur.construction import construire_classeur, contenu_depuis
    from cdv_regles.erreurs import ErreurCdv

    disponibles = millesimes_disponibles()
    if not disponibles or millesime < disponibles[0]:
        connus = ", ".join(map(str, disponibles)) or "aucun"
        raise ErreurCdv(
            f"Pas de règles pour le millésime {millesime} (millésimes disponibles : {connus}). "
            "Donnez --millesime avec une de ces années ou une année postérieure."
        )
    g = greffons.charger()
    cat = catalogue.construire(g, millesime)
    contenu = contenu_depuis(cat.colonnes, cat.referentiels, millesime)
    chemin = construire_classeur(sortie, contenu, remplacer=remplacer)
    return chemin, [str(d) for d in cat.defauts]
