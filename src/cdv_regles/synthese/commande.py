"""Commande ``cdv-regles synthese`` : rapport HTML pour le comité, ou synthèse JSON.

Chargée pour ``cdv-regles --help`` : n'importe que click au chargement.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from cdv_regles import options
from cdv_regles.erreurs import SORTIE_GREFFON


@click.command(name="synthese")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@options.sortie(aide="Fichier à écrire (p. ex. rapport.html) ; sans cette option (ou avec « - »), "
                    "sur la sortie standard.")
@options.format_(("html", "json"), aide="html (rapport à lire et imprimer) ou json (pour les machines). "
                                        "Défaut : json si --sortie finit par .json, html sinon.")
@options.date_reference()
@options.millesime()
@options.sans()
def synthese(fichier: Path, sortie: Path | None, format_: str | None, date_reference: dt.date | None,
             millesime: int | None, sans: tuple[str, ...]) -> None:
    """Synthèse de FICHIER pour le comité : demandes par financeur (face aux enveloppes), par
    orientation, commune, quartier prioritaire et statut, marqueurs égalité, constats.

    Le rapport HTML est un fichier autonome (graphiques compris, sans accès réseau), imprimable ;
    il liste aussi chaque constat, par gravité puis par dossier. Le fichier vérifié n'est jamais
    modifié. Statut de sortie : 0 si le rapport est produit, 2 si le fichier est inutilisable, 3
    si un greffon est en défaut (le rapport est produit sans lui).
    """
    from cdv_regles.ecriture import ecrire_texte, est_sortie_standard
    from cdv_regles.incident import signaler_defauts
    from cdv_regles.progression import etape

    vers_fichier = sortie is not None and not est_sortie_standard(sortie)
    if format_ is None:
        format_ = "json" if vers_fichier and sortie.suffix.lower() == ".json" else "html"
    desactives = options.desactives(sans)
    options.verifier_sortie(sortie)
    rapport = produire(fichier, format_, millesime=millesime, date_reference=date_reference,
                       desactives=desactives)
    if vers_fichier:
        etape(f"Écriture de {sortie}…")
        ecrire_texte(sortie, rapport.texte, protege=fichier)
        from cdv_regles.affichage import visible  # un nom de fichier peut porter des caractères de contrôle
        click.echo(f"Synthèse écrite dans {visible(sortie)} ({rapport.resume}).", err=True)
    else:
        click.echo(rapport.texte, nl=False)
    signaler_defauts(rapport.defauts)
    signaler_defauts(rapport.traces, message=False)
    if rapport.defauts:
        sys.exit(SORTIE_GREFFON)


@dataclass
class Rapport:
    texte: str
    resume: str  # une ligne pour l'utilisateur : dossiers et constats
    defauts: list[str]
    traces: list = field(default_factory=list)  # les défauts de la vérification, trace comprise (--debug)


def produire(fichier: Path, format_: str, *, millesime: int | None = None, date_reference: dt.date | None = None,
             desactives: set[str] | None = None, maintenant: dt.datetime | None = None) -> Rapport:
    """Vérifie ``fichier`` et rend sa synthèse en html ou json."""
    import json

    from cdv_regles.lecture import lire_table
    from cdv_regles.progression import etape
    from cdv_regles.synthese.calcul import calculer_synthese
    from cdv_regles.verification import preparer, verifier_avec

    etape(f"Lecture de {fichier}…")
    brute = lire_table(fichier)
    etape("Chargement des règles et des greffons…")
    date_reference = date_reference or dt.date.today()
    greffons, catalogue = preparer(millesime, desactives, date_reference)
    etape(f"Vérification de {len(brute.numeros)} ligne(s) ({len(catalogue.regles)} règles)…")
    resultat = verifier_avec(brute, greffons, catalogue, date_reference)
    etape("Calcul de la synthèse…")
    donnees = calculer_synthese(resultat, greffons)
    resume = f"{donnees['dossiers']} dossier(s), {len(resultat.constats)} constat(s)"
    if format_ == "json":
        return Rapport(json.dumps(donnees, ensure_ascii=False, indent=2) + "\n", resume, donnees["defauts_greffons"],
                       list(resultat.defauts))
    from cdv_regles.synthese.html import rendre_html

    porteurs = dict(zip(resultat.cadre["_dossier"].to_list(), resultat.cadre["porteur"].to_list(), strict=True))
    texte = rendre_html(donnees, resultat.constats, porteurs={k: v for k, v in porteurs.items() if v},
                        produit_le=maintenant or dt.datetime.now().replace(second=0, microsecond=0))
    return Rapport(texte, resume, donnees["defauts_greffons"], list(resultat.defauts))
