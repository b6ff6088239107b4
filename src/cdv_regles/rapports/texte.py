"""Format texte : ce que la personne doit voir d'abord vient d'abord.

Les constats bloquants, puis les alertes, chacun groupé par dossier ; les informations sont
comptées en une ligne (``--infos`` les détaille) ; puis les défauts de greffons et le résumé.
Couleurs sur un terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import TYPE_CHECKING, Any

from cdv_regles.affichage import date as date_fr
from cdv_regles.affichage import imprimable, nombre, visible
from cdv_regles.constats import GRAVITES
from cdv_regles.rapports.lecture import lignes_lecture

if TYPE_CHECKING:
    from cdv_regles.constats import Constat
    from cdv_regles.verification import Resultat

_COULEURS = {"bloquant": "red", "alerte": "yellow", "info": "cyan"}
_LIBELLES = {"bloquant": "BLOQUANT", "alerte": "ALERTE", "info": "info"}


def _style(texte: str, gravite: str, couleur: bool) -> str:
    if not couleur:
        return texte
    import click

    return click.style(texte, fg=_COULEURS[gravite], bold=gravite == "bloquant")


def resume_une_ligne(resultat: Resultat) -> str:
    r = resultat.resume()
    g = r["par_gravite"]
    # Les nombres comme partout ailleurs en français : « 15 997 bloquants », pas « 15997 ».
    comptes = ", ".join(f"{nombre(g[x])} {x}{'s' if g[x] > 1 else ''}" for x in GRAVITES)
    return (f"{nombre(r['dossiers'])} dossier(s) vérifié(s), {nombre(r['constats'])} constat(s) : {comptes} "
            f"— millésime {r['millesime']}, date de référence {date_fr(resultat.date_reference)}")


_SECTIONS = {"bloquant": "Constats bloquants", "alerte": "Alertes", "info": "Informations"}


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant", infos: bool = False) -> str:
    del seuil
    # Tout texte venu du classeur ou d'un greffon passe par visible() : une cellule ne peut ni
    # colorer le terminal ni commencer une ligne du rapport.
    lignes: list[str] = [f"Vérification de {visible(resultat.tableau.chemin)}"
                         + (f" (feuille {visible(resultat.tableau.feuille)})" if resultat.tableau.feuille else ""), ""]
    lignes += [*map(visible, lignes_lecture(resultat)), ""]  # ce que la lecture a compris, d'abord
    for gravite in GRAVITES:
        constats = [c for c in resultat.constats if c.gravite == gravite]
        if not constats:
            continue
        if gravite == "info" and not infos:
            lignes += [_style(f"{nombre(len(constats))} information(s) non détaillée(s) : relancez avec --infos "
                              "pour les voir.", "info", couleur), ""]
            continue
        titre = f"{_SECTIONS[gravite]} ({nombre(len(constats))})"
        lignes += [_style(titre, gravite, couleur), "=" * len(titre), ""]
        lignes += _par_dossier(constats, couleur)
    if not resultat.constats:
        lignes += ["Aucun constat : le tableau est en règle.", ""]
    for d in resultat.defauts:
        lignes.append(_style(f"DÉFAUT    {visible(d)}", "bloquant", couleur))
    lignes.append(resume_une_ligne(resultat))
    return "\n".join(lignes) + "\n"


def _par_dossier(constats: list[Constat], couleur: bool) -> list[str]:
    """Les constats d'une gravité, groupés par dossier dans l'ordre du tableau."""
    lignes: list[str] = []
    # Ce qui revient d'un constat à l'autre (étiquette, règle et partenaire, source) n'est
    # rendu qu'une fois.
    etiquettes: dict[str, str] = {}
    regles: dict[tuple[str, str], str] = {}
    sources: dict[str, str] = {}
    # Messages et N° de dossier presque toujours sans caractère à rendre visible : vérifié d'un
    # coup sur tous (un texte mis bout à bout est imprimable si chacun l'est), sinon un par un.
    message = _visibles([c.message for c in constats])
    nom = _visibles([c.dossier for c in constats])
    for (dossier, ligne), groupe in groupby(constats, key=lambda c: (c.dossier, c.ligne)):
        if not ligne:
            titre = "Tableau entier"
        elif dossier == f"ligne {ligne}":  # N° dossier manquant : le moteur nomme la ligne
            titre = f"Dossier sans N° (ligne {ligne})"
        else:
            titre = f"Dossier {nom(dossier)} (ligne {ligne})"
        lignes.append(_gras(titre) if couleur else titre)
        for c in groupe:
            etiquette = etiquettes.get(c.gravite)
            if etiquette is None:
                etiquette = etiquettes[c.gravite] = f"  {_style(f'{_LIBELLES[c.gravite]:<9}', c.gravite, couleur)} "
            try:
                regle = regles[c.regle, c.partenaire]
            except KeyError:
                regle = regles[c.regle, c.partenaire] = _regle(c)
            except TypeError:  # champ non hachable (constat de greffon mal typé) : sans mémoire
                regle = _regle(c)
            lignes.append(etiquette + regle + message(c.message))
            if c.source:
                try:
                    source = sources[c.source]
                except KeyError:
                    source = sources[c.source] = _source(c)
                except TypeError:
                    source = _source(c)
                lignes.append(source)
        lignes.append("")
    return lignes


def _visibles(textes: list[Any]) -> Callable[[Any], str]:
    """:func:`visible`, ou l'identité quand tous ces textes sont déjà des textes imprimables."""
    if set(map(type, textes)) <= {str} and imprimable("".join(textes)):
        return _tel_quel
    return visible


def _tel_quel(texte: str) -> str:
    return texte


def _regle(c: Constat) -> str:
    qui = "" if c.partenaire == "socle" else f" [{c.partenaire}]"
    return f"{visible(c.regle)}{visible(qui)} : "


def _source(c: Constat) -> str:
    return f"  {'':<9} Source : {visible(c.source)}"


def _gras(texte: str) -> str:
    import click

    return click.style(texte, bold=True)
