"""Commande ``cdv-regles nouveau-greffon NOM`` (ancien nom : ``nouveau-plugin``) : génère le paquet
d'un greffon de partenaire.

N'importe que click à son chargement (la commande apparaît dans ``cdv-regles --help``).
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="nouveau-greffon")
@click.argument("nom")
@click.option("--dossier", type=click.Path(file_okay=False, path_type=Path), default=Path("."), metavar="DOSSIER",
              show_default=True, help="Dossier où créer le paquet cdv-regles-NOM (p. ex. plugins).")
@click.option("--partenaire", "nom_partenaire", metavar="NOM_LISIBLE",
              help="Nom du partenaire tel que les utilisateurs le lisent (p. ex. « Pôle emploi »). "
                   "Par défaut : celui du référentiel des financeurs, sinon NOM.")
@click.pass_context
def nouveau_greffon(ctx: click.Context, nom: str, dossier: Path, nom_partenaire: str | None) -> None:
    """Crée un greffon de partenaire prêt à l'emploi : DOSSIER/cdv-regles-NOM.

    NOM est le nom court du greffon (minuscules et tirets, p. ex. « pole-emploi ») : c'est le
    code partenaire de ses constats et le nom à donner à --sans. Le paquet contient son
    pyproject.toml (point d'entrée cdv_regles), ses hooks, une règle d'exemple avec ses
    exemples (ses tests), ses paramètres datés et un README. Un dossier existant n'est jamais
    écrasé.
    """
    from cdv_regles.erreurs import ErreurCdv
    from cdv_regles.gabarit.generation import generer

    try:
        cible, greffon, ecrits = generer(nom, dossier, nom_partenaire)
    except ErreurCdv as e:
        click.echo(click.style("Erreur : ", fg="red", bold=True) + e.message, err=True)
        ctx.exit(e.code_sortie)
    click.echo(f"Greffon « {greffon.nom} » ({greffon.nom_partenaire}) créé dans {cible} :")
    for f in ecrits:
        click.echo(f"  {f}")
    if greffon.colonne_ajoutee:
        click.echo(f"Le greffon ajoute au tableau la colonne facultative « Montant sollicité "
                   f"{greffon.nom_partenaire} » ({greffon.colonne}).")
    click.echo("Ensuite :")
    click.echo(f"  1. écrivez ses règles dans {cible}/src/{greffon.module}/regles/ (en_vigueur dit "
               "leurs millésimes) et ses paramètres dans regles/parametres.yaml ;")
    click.echo(f"  2. installez-le : uv pip install -e {cible} (ou ajoutez-le au workspace, voir plugins/GUIDE.md) ;")
    click.echo("  3. vérifiez qu'il est chargé : cdv-regles greffons ;")
    click.echo(f"  4. lancez ses tests : pytest {cible}")
