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
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import PurePath
from typing import TYPE_CHECKING

from cdv_regles.affichage import visible
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


def _cas(suite: ET.Element, classe: str, nom: str, constats: list[Constat], resultat: Resultat,
         seuil: str, fichier: str, ligne: int | None) -> bool:
    """Ajoute un cas ; vrai s'il échoue."""
    cas = ET.SubElement(suite, "testcase", classname=_xml(classe), name=_xml(nom), file=_xml(fichier))
    if ligne is not None:
        cas.set("line", str(ligne))
    echecs = [c for c in constats if atteint(c.gravite, seuil)]
    autres = [c for c in constats if not atteint(c.gravite, seuil)]
    if echecs:
        gravite = echecs[0].gravite  # les constats sont triés par gravité décroissante
        echec = ET.SubElement(cas, "failure", type=gravite,
                              message=_xml("\n".join(f"{c.regle} : {c.message}" for c in echecs)))
        echec.text = _xml("\n".join(_ligne_constat(c, resultat.cellules(c)) for c in echecs))
    if autres:
        ET.SubElement(cas, "system-out").text = _xml(
            "\n".join(_ligne_constat(c, resultat.cellules(c)) for c in autres))
    return bool(echecs)


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur
    fichier = resultat.tableau.chemin
    nom_suite = PurePath(fichier).name or fichier
    familles = list(FAMILLES) + sorted({c.famille for c in resultat.constats} - set(FAMILLES))
    par_ligne: dict[int | None, list[Constat]] = {}
    for c in resultat.constats:
        par_ligne.setdefault(c.ligne, []).append(c)
    cas_dossiers = dossiers(resultat)
    connues = {ligne for _, ligne in cas_dossiers}
    # Un constat de greffon sur une ligne hors du tableau garde son propre cas.
    cas_dossiers += sorted({(c.dossier or "sans N°", c.ligne) for c in resultat.constats
                            if c.ligne is not None and c.ligne not in connues}, key=lambda d: d[1])

    racine = ET.Element("testsuites", name="cdv-regles")
    suite = ET.SubElement(racine, "testsuite", name=_xml(nom_suite))
    proprietes = ET.SubElement(suite, "properties")
    for nom, valeur in (("fichier", fichier), ("feuille", resultat.tableau.feuille or ""),
                        ("millesime", resultat.millesime), ("date_reference", resultat.date_reference.isoformat()),
                        ("version_regles", resultat.version_regles), ("seuil_echec", seuil)):
        ET.SubElement(proprietes, "property", name=nom, value=_xml(valeur))

    nb_cas = nb_echecs = nb_erreurs = 0
    for dossier, ligne in cas_dossiers:
        constats = par_ligne.get(ligne, [])
        for famille in familles:
            nb_cas += 1
            nb_echecs += _cas(suite, f"Dossier {dossier} (ligne {ligne})", famille,
                              [c for c in constats if c.famille == famille], resultat, seuil, fichier, ligne)
    nb_cas += 1
    nb_echecs += _cas(suite, nom_suite, "Tableau", par_ligne.get(None, []), resultat, seuil, fichier, None)
    if resultat.defauts:
        nb_cas += 1
        nb_erreurs += 1
        cas = ET.SubElement(suite, "testcase", classname=_xml(nom_suite), name="Greffons et fichiers de règles")
        erreur = ET.SubElement(cas, "error", type="defaut",
                               message=_xml(f"{len(resultat.defauts)} greffon(s) ou fichier(s) de règles en défaut"))
        erreur.text = _xml("\n".join(str(d) for d in resultat.defauts))

    for element in (racine, suite):
        element.set("tests", str(nb_cas))
        element.set("failures", str(nb_echecs))
        element.set("errors", str(nb_erreurs))
    suite.set("skipped", "0")
    ET.indent(racine)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(racine, encoding="unicode") + "\n"
