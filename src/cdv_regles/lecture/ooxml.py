"""Structure OOXML d'un classeur xlsx : relations, feuilles rattachées à leurs membres XML,
« Tableaux » Excel (objets liste) dont la fin arrête les données."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cdv_regles.adresses import numero_colonne
from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture.messages import abime
from cdv_regles.lecture.table import TableauExcel

if TYPE_CHECKING:
    from cdv_regles.lecture.archive import Archive


def lire_xml(donnees: bytes, nom: str, membre: str) -> Any:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(donnees, forbid_dtd=True)
    except DefusedXmlException:
        raise EntreeInvalide(
            f"Le classeur « {nom} » contient une déclaration XML refusée par sécurité (DTD ou "
            f"entité, membre {membre}) : enregistrez-le de nouveau depuis Excel au format .xlsx."
        ) from None
    except ParseError as e:
        raise abime(nom, f"XML illisible dans {membre}, ligne {e.position[0]}") from None


def _local(balise: str) -> str:
    return balise.rsplit("}", 1)[-1]


def _relations(structure: dict[str, bytes], membre: str, nom: str) -> dict[str, tuple[str, str]]:
    """Relations d'un membre : Id -> (type, membre cible)."""
    dossier, base = posixpath.split(membre)
    chemin_rels = posixpath.join(dossier, "_rels", base + ".rels")
    donnees = _chercher(structure, chemin_rels)
    if donnees is None:
        return {}
    relations = {}
    for e in lire_xml(donnees, nom, chemin_rels):
        if _local(e.tag) != "Relationship" or e.get("TargetMode") == "External":
            continue
        cible = e.get("Target", "").replace("\\", "/")
        cible = cible.lstrip("/") if cible.startswith("/") else posixpath.join(dossier, cible)
        relations[e.get("Id", "")] = (e.get("Type", ""), posixpath.normpath(cible))
    return relations


def _chercher(structure: Mapping[str, bytes], membre: str) -> bytes | None:
    if membre in structure:
        return structure[membre]
    for n, d in structure.items():
        if n.lower() == membre.lower():
            return d
    return None


def lire_structure_xlsx(archive: Archive, structure: dict[str, bytes], nom: str) -> None:
    """Rattache chaque feuille à son membre XML, et relève ses Tableaux Excel."""
    classeur = next((cible for type_, cible in _relations(structure, "", nom).values()
                     if type_.endswith("/officeDocument")), "xl/workbook.xml")
    donnees = _chercher(structure, classeur)
    if donnees is None:
        return
    liens = _relations(structure, classeur, nom)
    for e in lire_xml(donnees, nom, classeur).iter():
        if _local(e.tag) != "sheet":
            continue
        rid = next((v for k, v in e.attrib.items() if _local(k) == "id"), None)
        if rid in liens:
            membre = liens[rid][1]
            archive.membres[e.get("name", "")] = membre
            archive.tableaux[e.get("name", "")] = _tableaux(structure, membre, nom)


def _tableaux(structure: dict[str, bytes], membre: str, nom: str) -> list[TableauExcel]:
    tableaux = []
    for type_, cible in _relations(structure, membre, nom).values():
        if not type_.endswith("/table"):
            continue
        donnees = _chercher(structure, cible)
        if donnees is None:
            continue
        racine = lire_xml(donnees, nom, cible)
        m = re.fullmatch(r"\$?([A-Z]{1,3})\$?([0-9]+):\$?([A-Z]{1,3})\$?([0-9]+)",
                         racine.get("ref", ""))
        if not m:
            continue
        try:
            entete = int(racine.get("headerRowCount", "1"))
            total = int(racine.get("totalsRowCount", "0"))
        except ValueError:
            continue
        haut, bas = int(m.group(2)), int(m.group(4))
        if entete == 1:
            tableaux.append(TableauExcel(haut, bas - total, numero_colonne(m.group(1)),
                                         numero_colonne(m.group(3)), bas if total else None))
    return tableaux

