"""Commande ``cdv-regles greffons`` (ancien nom : ``plugins``) : les greffons installés."""

from __future__ import annotations

import sys

import click

from cdv_regles import options
from cdv_regles.erreurs import SORTIE_GREFFON


@click.command(name="greffons")
@options.format_(("texte", "json"), defaut="texte", aide="Format de la liste.")
@options.millesime(aide="Millésime dont on compte les règles (défaut : celui dont le calendrier couvre --date).")
@click.option("--date", "date_reference", type=options.DateFr(), metavar="AAAA-MM-JJ",
              help="Date de référence qui choisit le millésime sans --millesime (défaut : aujourd'hui).")
@options.sans()
def greffons(format_: str, millesime: int | None, date_reference, sans: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Liste les greffons installés : nom, partenaire, version, nombre de règles."""
    import json

    from cdv_regles.greffons import noms_desactives
    from cdv_regles.incident import signaler_defauts
    from cdv_regles.verification import preparer

    charges, catalogue = preparer(millesime, noms_desactives(sans), date_reference)
    lignes = []
    for g in charges.actifs:
        nb = len({r.id for r in catalogue.regles if r.partenaire == g.partenaire})
        lignes.append({"nom": g.nom, "partenaire": g.partenaire, "nom_partenaire": g.nom_partenaire,
                       "version": g.version, "regles": nb, "actif": True})
    lignes += [{"nom": n, "partenaire": "", "nom_partenaire": "", "version": "", "regles": 0,
                "actif": False} for n in charges.desactives]
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
        signaler_defauts(catalogue.defauts, message=False)
    if catalogue.defauts:
        sys.exit(SORTIE_GREFFON)
