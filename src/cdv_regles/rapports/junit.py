"""Format JUnit XML : un cas de test par dossier et par famille de règles, pour les outils de CI.

GitLab (``artifacts:reports:junit``), Jenkins ou les actions GitHub qui lisent du JUnit affichent
alors chaque dossier, famille par famille. Décisions :

- une famille sans constat est un cas réussi, pour que le compte des cas ne dépende pas des
  constats (dossiers × familles, plus le cas « Tableau ») ;
- un cas échoue (``<failure>``) s'il porte un constat au seuil d'échec ou au-dessus (``--echec-si``) :
  le rapport est rouge exactement quand la commande sort avec le statut 1 ; les constats plus
  légers sont écrits dans le ``<system-out>`` du cas, qui reste réussi ;
- les constats de tableau (colonne absente, inconnue…) vont dans le cas « Tableau » ;
- un greffon en défaut (statut 3) donne un cas en erreur (``<error>``).

Le XML est écrit directement, au texte près celui d'``ElementTree`` (``ET.indent`` puis
``ET.tostring``) : 50 000 dossiers font 300 000 cas, que l'arbre mettait 10 s à construire et
sérialiser. tests/test_rapports_identiques.py compare les deux, octet pour octet.
"""

from __future__ import annotations

import re
from itertools import chain
from pathlib import PurePath
from typing import TYPE_CHECKING

from cdv_regles.affichage import imprimable, visible
from cdv_regles.constats import FAMILLES, atteint
from cdv_regles.rapports.github import cite

if TYPE_CHECKING:
    from cdv_regles.constats import Constat
    from cdv_regles.verification import Resultat

# Caractères interdits en XML 1.0 (une cellule peut en contenir : tabulation verticale, etc.).
_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LIBELLES = {"bloquant": "BLOQUANT", "alerte": "ALERTE", "info": "INFO"}


def _xml(texte: object) -> str:
    # Contrôles montrés (␛, ␋…) ; restent interdits en XML les demi-codets isolés et U+FFFE/F.
    # Tous ces caractères sont non imprimables : un texte sans non-imprimable (hors sauts de
    # ligne, que visible garde ici, et espaces insécables) est rendu tel quel, sans les
    # deux expressions régulières.
    if type(texte) is str and imprimable(texte, sauts=True):
        return texte
    return _INTERDITS.sub("\ufffd", visible(texte, sauts=True))


def dossiers(resultat: Resultat) -> list[tuple[str, int]]:
    """(dossier, ligne) de chaque ligne du tableau, dans l'ordre du classeur."""
    numeros = resultat.tableau.colonnes.get("numero_dossier") or [None] * len(resultat.tableau.lignes)
    return [(n if n else "sans N°", ligne) for n, ligne in zip(numeros, resultat.tableau.lignes, strict=True)]


def _ligne_constat(c: Constat, cellules: list[str]) -> str:
    cellules = [a for a in cellules if not cite(a, c.message)]  # inutile de répéter une cellule citée
    ou = f" (cellule{'s' if len(cellules) > 1 else ''} {', '.join(cellules)})" if cellules else ""
    qui = "" if c.partenaire == "socle" else f" [{c.partenaire}]"
    source = f" (source : {c.source})" if c.source else ""
    return f"{_LIBELLES.get(c.gravite, c.gravite)} {c.regle}{qui}{ou} : {c.message}{source}"


# Les remplacements d'ElementTree, dans son ordre : ceux du texte d'un élément, puis ceux d'une
# valeur d'attribut.
_CONTENU = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUT = (*_CONTENU, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _echapper(texte: str, remplacements: tuple[tuple[str, str], ...]) -> str:
    for caractere, entite in remplacements:
        if caractere in texte:
            texte = texte.replace(caractere, entite)
    return texte


def _attribut(texte: str) -> str:
    """Une valeur d'attribut échappée comme le fait ElementTree."""
    return _echapper(texte, _ATTRIBUT)


def _contenu(texte: str) -> str:
    """Le texte d'un élément, échappé comme le fait ElementTree."""
    return _echapper(texte, _CONTENU)


def _element(marge: str, balise: str, attributs: str, texte: str) -> str:
    """Un élément sans enfant : ``<balise …>texte</balise>``, ou ``<balise … />`` sans texte."""
    if texte:
        return f"{marge}<{balise}{attributs}>{_contenu(texte)}</{balise}>"
    return f"{marge}<{balise}{attributs} />"


_MARGE_CAS = "\n    "
_MARGE_DEDANS = "\n      "


def _cas(debut: str, fin: str, constats: list[Constat], resultat: Resultat, seuil: str) -> tuple[str, bool]:
    """Un cas : ``debut`` et ``fin`` encadrent ses attributs déjà échappés. Vrai s'il échoue."""
    echecs = [c for c in constats if atteint(c.gravite, seuil)]
    autres = [c for c in constats if not atteint(c.gravite, seuil)]
    if not echecs and not autres:
        return f"{debut}{fin} />", False
    enfants = []
    if echecs:
        gravite = echecs[0].gravite  # les constats sont triés par gravité décroissante
        message = _attribut(_xml("\n".join(f"{c.regle} : {c.message}" for c in echecs)))
        enfants.append(_element(_MARGE_DEDANS, "failure", f' type="{_attribut(gravite)}" message="{message}"',
                                _xml("\n".join(_ligne_constat(c, resultat.cellules(c)) for c in echecs))))
    if autres:
        enfants.append(_element(_MARGE_DEDANS, "system-out", "",
                                _xml("\n".join(_ligne_constat(c, resultat.cellules(c)) for c in autres))))
    return f"{debut}{fin}>{''.join(enfants)}{_MARGE_CAS}</testcase>", bool(echecs)


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur
    fichier = resultat.tableau.chemin
    nom_suite = PurePath(fichier).name or fichier
    familles = list(FAMILLES) + sorted({c.famille for c in resultat.constats} - set(FAMILLES))
    par_ligne: dict[int | None, list[Constat]] = {}
    for c in resultat.constats:
        par_ligne.setdefault(c.ligne, []).append(c)
    # Les dossiers du tableau parcourus sans liste de couples (dossiers()) : 50 000 n-uplets
    # vivants à la fois déclenchaient un passage du ramasse-miettes sur toute la lecture.
    lignes = resultat.tableau.lignes
    numeros = resultat.tableau.colonnes.get("numero_dossier") or [None] * len(lignes)
    connues = set(lignes)
    # Un constat de greffon sur une ligne hors du tableau garde son propre cas.
    hors_tableau = sorted({(c.dossier or "sans N°", c.ligne) for c in resultat.constats
                           if c.ligne is not None and c.ligne not in connues}, key=lambda d: d[1])
    cas_dossiers = chain(((n if n else "sans N°", ligne) for n, ligne in zip(numeros, lignes, strict=True)),
                         hors_tableau)

    attribut_fichier = f' file="{_attribut(_xml(fichier))}"'
    noms = {famille: f' name="{_attribut(_xml(famille))}"' for famille in familles}
    # Les cas d'un dossier sans constat, tous réussis, d'un seul str.format : {0} le début du
    # cas (classe), {1} sa fin (fichier et ligne).
    gabarit_vide = "".join("{0}" + noms[f].replace("{", "{{").replace("}", "}}") + "{1} />" for f in familles)
    cas: list[str] = []
    nb_cas = nb_echecs = nb_erreurs = 0
    for dossier, ligne in cas_dossiers:
        debut = f'{_MARGE_CAS}<testcase classname="{_attribut(_xml(f"Dossier {dossier} (ligne {ligne})"))}"'
        fin = f'{attribut_fichier} line="{_attribut(str(ligne))}"'
        nb_cas += len(familles)
        constats = par_ligne.get(ligne)
        if not constats:
            cas.append(gabarit_vide.format(debut, fin))
            continue
        par_famille: dict[str, list[Constat]] = {}
        for c in constats:
            par_famille.setdefault(c.famille, []).append(c)
        for famille in familles:
            des = par_famille.get(famille)
            if des is None:
                cas.append(f"{debut}{noms[famille]}{fin} />")
                continue
            texte, echoue = _cas(debut + noms[famille], fin, des, resultat, seuil)
            cas.append(texte)
            nb_echecs += echoue
    nb_cas += 1
    texte, echoue = _cas(f'{_MARGE_CAS}<testcase classname="{_attribut(_xml(nom_suite))}" name="Tableau"',
                         attribut_fichier, par_ligne.get(None, []), resultat, seuil)
    cas.append(texte)
    nb_echecs += echoue
    if resultat.defauts:
        nb_cas += 1
        nb_erreurs += 1
        message = _attribut(_xml(f"{len(resultat.defauts)} greffon(s) ou fichier(s) de règles en défaut"))
        erreur = _element(_MARGE_DEDANS, "error", f' type="defaut" message="{message}"',
                          _xml("\n".join(str(d) for d in resultat.defauts)))
        cas.append(f'{_MARGE_CAS}<testcase classname="{_attribut(_xml(nom_suite))}" '
                   f'name="Greffons et fichiers de règles">{erreur}{_MARGE_CAS}</testcase>')

    comptes = f' tests="{nb_cas}" failures="{nb_echecs}" errors="{nb_erreurs}"'
    proprietes = "".join(
        _element(_MARGE_DEDANS, "property", f' name="{nom}" value="{_attribut(_xml(valeur))}"', "")
        for nom, valeur in (("fichier", fichier), ("feuille", resultat.tableau.feuille or ""),
                            ("millesime", resultat.millesime),
                            ("date_reference", resultat.date_reference.isoformat()),
                            ("version_regles", resultat.version_regles), ("seuil_echec", seuil)))
    # Un seul assemblage : le rapport fait des dizaines de Mo, chaque copie se paie.
    cas[:0] = ['<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<testsuites name="cdv-regles"{comptes}>\n'
               f'  <testsuite name="{_attribut(_xml(nom_suite))}"{comptes} skipped="0">\n'
               f"    <properties>{proprietes}{_MARGE_CAS}</properties>"]
    cas.append("\n  </testsuite>\n</testsuites>\n")
    return "".join(cas)
