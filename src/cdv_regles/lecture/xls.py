"""Classeurs Excel 97-2003 (.xls) : conteneur OLE2, lu par calamine."""

from __future__ import annotations

from pathlib import Path

from cdv_regles.lecture.calamine import lire_classeur
from cdv_regles.lecture.fichier import lire_octets
from cdv_regles.lecture.limites import Limites
from cdv_regles.lecture.messages import protege
from cdv_regles.lecture.table import TableBrute

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def lire_xls(p: Path, nom: str, limites: Limites) -> TableBrute:
    verifier_ole2(p, nom, limites)
    return lire_classeur(p, nom, "xls", None, limites)


def verifier_ole2(p: Path, nom: str, limites: Limites) -> None:
    """Un conteneur OLE2 qui porte un « EncryptedPackage » est un classeur chiffré."""
    donnees = lire_octets(p, nom, limites)
    if "EncryptedPackage".encode("utf-16-le") in donnees:
        raise protege(nom)
