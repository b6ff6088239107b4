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
    from cdv_regles.affichage import visible  # un nom de fichier peut porter des caractères de contrôle
    click.echo(f"Classeur écrit : {visible(chemin)}")


def _generer(millesime: int, sortie: Path, remplacer: bool) -> tuple[Path, list]:
    from cdv_regles import catalogue, greffons
    from cdv_regles.classeur.construction import construire_classeur, contenu_depuis
    from cdv_regles.erreurs import ErreurCdv
    from cdv_regles.millesimes import millesimes_disponibles, refus_millesime
    from cdv_regles.progression import etape

    disponibles = millesimes_disponibles()
    if millesime not in disponibles:
        raise refus_millesime(millesime, disponibles)
    etape("Chargement des règles et des greffons…")
    g = greffons.charger()
    parametres = catalogue.charger_parametres(g)
    parametres.exiger_renseignes(millesime)
    cat = catalogue.construire(g, millesime, parametres)
    etape("Préparation des listes et du module VBA…")
    qpv = cat.valeurs_parametres().get("referentiel_qpv")
    if not isinstance(qpv, str) or qpv not in cat.referentiels:
        raise ErreurCdv(f"le paramètre referentiel_qpv n'a pas de valeur pour {millesime} (valeur vue : {qpv!r}) : "
                        "renseignez la géographie prioritaire du millésime.")
    contenu = contenu_depuis(cat.colonnes, cat.referentiels, millesime, qpv)
    etape(f"Écriture de {sortie}…")
    chemin = construire_classeur(sortie, contenu, remplacer=remplacer)
    return chemin, list(cat.defauts)
