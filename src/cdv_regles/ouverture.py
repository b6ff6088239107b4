"""Commande ``cdv-regles millesime nouveau`` : ouvrir un millésime à renseigner.

Pour le socle et chaque greffon qui le veut (hook ``cdv_regles_parametres_a_renouveler``), la
commande écrit ``<dossier>/<AAAA>/<greffon>.yaml`` : les paramètres à renouveler (calendrier,
dates des comités, enveloppes, listes, fin du contrat), chacun valant « à renseigner » avec sa
source à donner, et la valeur du millésime modèle rappelée pour mémoire. Tant qu'une valeur est
« à renseigner », le millésime est refusé (statut 2). Rien n'est jamais écrit sur un millésime
qui existe déjà.

Ce module n'importe que click à son chargement (aide instantanée).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click


@click.group(name="millesime")
def millesime() -> None:
    """Millésimes : ouvrir l'année de programmation suivante."""


@millesime.command(name="nouveau")
@click.argument("annee", type=click.IntRange(2000, 2100), metavar="AAAA")
@click.option("--depuis", type=click.IntRange(2000, 2100), metavar="AAAA",
              help="Millésime existant qui sert de modèle (défaut : le plus récent avant AAAA).")
@click.option("--dossier", type=click.Path(file_okay=False, path_type=Path), metavar="DOSSIER",
              help="Dossier des millésimes de l'utilisateur (défaut : $CDV_REGLES_PARAMETRES, sinon "
                   "cdv-regles/parametres dans le dossier de configuration de l'utilisateur).")
def nouveau(annee: int, depuis: int | None, dossier: Path | None) -> None:
    """Ouvre le millésime AAAA : écrit les paramètres à renseigner du socle et des greffons.

    Chaque valeur vaut « à renseigner » : remplacez-la par celle de la note de cadrage AAAA
    (ou par null si elle n'existe pas cette année) et donnez sa source. Le millésime est refusé
    tant qu'une valeur reste à renseigner. Un millésime existant n'est jamais remplacé.
    """
    from cdv_regles.parametres import VARIABLE_DOSSIER, dossier_utilisateur

    cible, fichiers = ouvrir(annee, depuis, dossier)
    click.echo(f"Millésime {annee} ouvert dans {cible} :")
    for nom, nb in fichiers:
        click.echo(f"  {nom} : {nb} paramètre(s) à renseigner")
    lu = dossier_utilisateur()
    if lu is None or Path(lu).resolve() != cible.parent.resolve():
        click.echo(f"Pour que cdv-regles lise ce dossier : {VARIABLE_DOSSIER}={cible.parent}")
    click.echo(f"Ensuite : remplacez chaque « à renseigner », puis cdv-regles verifier … --millesime {annee}.")


def ouvrir(annee: int, depuis: int | None, dossier: Path | None) -> tuple[Path, list[tuple[str, int]]]:
    """Écrit le millésime ``annee`` ; renvoie son dossier et (fichier, nombre de paramètres)."""
    from cdv_regles.catalogue import charger_parametres
    from cdv_regles.ecriture import creer_dossier, ecrire_arborescence
    from cdv_regles.erreurs import ErreurCdv
    from cdv_regles.greffons import charger
    from cdv_regles.millesimes import COMMANDE_NOUVEAU, disponibles
    from cdv_regles.parametres import dossier_utilisateur

    greffons = charger()
    parametres = charger_parametres(greffons)
    existants = disponibles(parametres)
    if annee in existants:
        raise ErreurCdv(f"le millésime {annee} existe déjà (millésimes disponibles : "
                        f"{', '.join(map(str, existants))}) : il n'est jamais remplacé. Modifiez ses fichiers "
                        "de paramètres, ou ouvrez une autre année.")
    if depuis is None:
        anterieurs = [m for m in existants if m < annee]
        if not anterieurs:
            raise ErreurCdv(f"aucun millésime avant {annee} pour servir de modèle (disponibles : "
                            f"{', '.join(map(str, existants)) or 'aucun'}) : donnez --depuis.")
        depuis = anterieurs[-1]
    elif depuis not in existants:
        raise ErreurCdv(f"--depuis {depuis} : ce millésime n'existe pas (disponibles : "
                        f"{', '.join(map(str, existants)) or 'aucun'}).")
    racine = dossier if dossier is not None else dossier_utilisateur()
    if racine is None:
        raise ErreurCdv("pas de dossier personnel où écrire le millésime : donnez --dossier.")
    contenus: dict[str, str] = {}
    resume: list[tuple[str, int]] = []
    par_module = {id(g.module): g for g in greffons.actifs}
    for impl in greffons.gestionnaire.hook.cdv_regles_parametres_a_renouveler.get_hookimpls():
        g = par_module.get(id(impl.plugin))
        if g is None:
            continue
        siens = {n: p for n, p in parametres.tous.items() if p.partenaire == g.partenaire}
        arguments = {"millesime": annee, "depuis": depuis, "parametres": siens}
        try:
            noms = impl.function(**{k: arguments[k] for k in impl.argnames})
        except Exception as e:  # un greffon tiers peut lever n'importe quoi
            raise ErreurCdv(f"greffon « {g.nom} » : cdv_regles_parametres_a_renouveler a échoué "
                            f"({e.__class__.__name__}: {e}) ; rien n'a été écrit.") from None
        if not isinstance(noms, list) or not all(isinstance(n, str) and n in siens for n in noms):
            raise ErreurCdv(f"greffon « {g.nom} » : cdv_regles_parametres_a_renouveler doit renvoyer des "
                            f"noms de ses paramètres (vu : {noms!r}) ; rien n'a été écrit.")
        if noms:
            contenus[f"{g.nom}.yaml"] = fichier_millesime(annee, depuis, g.nom, [siens[n] for n in noms])
            resume.append((f"{g.nom}.yaml", len(noms)))
    if not contenus:
        raise ErreurCdv(f"aucun greffon n'a de paramètre à renouveler pour {annee} : rien à écrire.")
    creer_dossier(racine)
    cible = racine / str(annee)
    ecrire_arborescence(cible, contenus, conseil=f"Le millésime {annee} a déjà été ouvert ici : complétez ses "
                        f"fichiers, ou supprimez le dossier pour relancer « {COMMANDE_NOUVEAU} {annee} ».")
    return cible, resume


def fichier_millesime(annee: int, depuis: int, greffon: str, parametres: list[Any]) -> str:
    """Le YAML d'un greffon pour le millésime ``annee`` : chaque valeur « à renseigner »."""
    import yaml

    from cdv_regles.parametres import A_RENSEIGNER, type_attendu

    entree: dict[str, Any] = {}
    for p in parametres:
        d: dict[str, Any] = {"description": " ".join(p.description.split())}
        attendu = type_attendu(p)
        if attendu:
            d["type"] = attendu
        precedent = p.valeur(depuis)
        d["precedent"] = precedent
        d["valeur"] = A_RENSEIGNER
        d["source"] = {"document": A_RENSEIGNER, "section": A_RENSEIGNER}
        entree[p.nom] = d
    corps = yaml.safe_dump({"millesime": annee, "parametres": entree}, allow_unicode=True, sort_keys=False,
                           width=100)
    return (f"# Millésime {annee} — paramètres de « {greffon} » à renseigner (ouvert le {dt.date.today():%d/%m/%Y}"
            f" d'après {depuis}).\n"
            f"# Pour chaque paramètre : remplacez « {A_RENSEIGNER} » par la valeur de la note de cadrage {annee}\n"
            "# (même type que « precedent », la valeur de " f"{depuis} rappelée pour mémoire ; une date s'écrit\n"
            "# 2026-09-18 ou 18/09/2026), ou par null si elle n'existe pas cette année ; puis donnez la source\n"
            "# (document et section). Le millésime est refusé tant qu'une valeur reste à renseigner.\n" + corps)

