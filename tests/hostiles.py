"""Fichiers hostiles fabriqués en flux : petits sur le disque, énormes une fois décompressés.

Partagés par les tests (``tests/test_lecture_bornee.py``, tailles modestes) et par la mesure
``benchmarks/lecture_bornee.py`` (jusqu'au Go décompressé). Rien n'est gardé en mémoire : les
membres de l'archive sont écrits morceau par morceau (zip64 au besoin).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from cdv_regles.adresses import lettres_colonne

ENTETES = ["N° dossier", "Porteur", "SIRET", "Coût total de l'action"]

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
         f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_CLASSEUR = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_NS_R}><sheets>'
             '<sheet name="Programmation" sheetId="1" r:id="rId1"/></sheets></workbook>')
_RELS_CLASSEUR = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
    f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>')

MO = 1024**2

# Fragments des messages anglais de calamine, csv, zipfile, zlib, expat et du système : aucun
# ne doit passer dans un message (tous les refus des tests de lecture passent par ce filtre).
ANGLAIS = re.compile(
    r"\b(?:the|is not|not a zip file|bad crc|error -?\d|field larger|field limit|expected|"
    r"unexpected|no such file|permission denied|is a directory|not well-formed|line contains|"
    r"truncated|cannot|invalid|error|failed|decompress\w*|encrypted|password|unsupported|"
    r"missing|while|found|unknown|token|end of|zip file|worksheet|sheet|xml error|overflow)\b",
    re.IGNORECASE)


def sans_anglais(message: str, chemin: Path | str = "") -> None:
    reste = message.replace(str(chemin), "") if chemin else message
    assert not ANGLAIS.search(reste), f"fragment anglais : {ANGLAIS.search(reste).group(0)!r} dans {message}"


def _texte(adresse: str, texte: str) -> str:
    return f'<c r="{adresse}" t="inlineStr"><is><t>{texte}</t></is></c>'


def _rangee(numero: int, valeurs: list[str]) -> str:
    return (f'<row r="{numero}">'
            + "".join(_texte(f"{lettres_colonne(j)}{numero}", v) for j, v in enumerate(valeurs))
            + "</row>")


def _ecrire(chemin: Path, feuille: Iterator[bytes], chaines: Iterator[bytes]) -> Path:
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _CLASSEUR)
        zf.writestr("xl/_rels/workbook.xml.rels", _RELS_CLASSEUR)
        for membre, morceaux in (("xl/worksheets/sheet1.xml", feuille), ("xl/sharedStrings.xml", chaines)):
            with zf.open(membre, "w", force_zip64=True) as flux:
                for morceau in morceaux:
                    flux.write(morceau)
    return chemin


def _feuille(debut: list[str], corps: Iterator[bytes] | None = None) -> Iterator[bytes]:
    yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS} {_NS_R}>'
           f'<sheetData>{"".join(debut)}').encode()
    yield from corps or ()
    yield b"</sheetData></worksheet>"


def _chaines(n: int, texte: str = "x") -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{n}" uniqueCount="{n}">'.encode()
    paquet = 10_000
    bloc = f"<si><t>{texte}</t></si>".encode() * paquet
    for _ in range(n // paquet):
        yield bloc
    yield f"<si><t>{texte}</t></si>".encode() * (n % paquet)
    yield b"</sst>"


def tableau_valide() -> list[str]:
    return [_rangee(1, ENTETES), _rangee(2, ["D1", "Asso", "73282932000074", "1000"])]


def chaines_non_citees(chemin: Path, octets: int) -> Path:
    """Un petit tableau valide et ``octets`` de chaînes partagées qu'aucune cellule ne cite."""
    return _ecrire(chemin, _feuille(tableau_valide()), _chaines(max(1, octets // 17)))


def chaines_en_ligne_sans_tableau(chemin: Path, octets: int, colonnes: int = 50) -> Path:
    """Une feuille de textes « en ligne » (sans chaînes partagées), sans ligne d'en-têtes."""
    modele = ('<row r="§">' + "".join(_texte(f"{lettres_colonne(j)}§", f"texte {j}") for j in range(colonnes))
              + "</row>")
    lignes = max(1, octets // len(modele))

    def corps() -> Iterator[bytes]:
        paquet = []
        for n in range(1, lignes + 1):
            paquet.append(modele.replace("§", str(n)))
            if len(paquet) == 1000:
                yield "".join(paquet).encode()
                paquet = []
        yield "".join(paquet).encode()
    return _ecrire(chemin, _feuille([], corps()), _chaines(0))


def cellules_en_nombre(chemin: Path, lignes: int, colonnes: int = 40) -> Path:
    """Un tableau valide suivi de ``lignes`` lignes de ``colonnes`` nombres."""
    entetes = ENTETES + [f"Colonne {j}" for j in range(colonnes - len(ENTETES))]
    modele = "".join(f'<c r="{lettres_colonne(j)}§"><v>{j}</v></c>' for j in range(colonnes))

    def corps() -> Iterator[bytes]:
        paquet = []
        for n in range(2, lignes + 2):
            paquet.append(f'<row r="{n}">{modele.replace("§", str(n))}</row>')
            if len(paquet) == 1000:
                yield "".join(paquet).encode()
                paquet = []
        yield "".join(paquet).encode()
    return _ecrire(chemin, _feuille([_rangee(1, entetes)], corps()), _chaines(0))


def csv_ligne_geante(chemin: Path, octets: int) -> Path:
    """Un CSV au point-virgule dont une cellule (guillemet jamais fermé) fait ``octets`` octets."""
    with open(chemin, "wb") as f:
        f.write(";".join(ENTETES).encode("cp1252") + b"\r\nD1;\"Asso")
        bloc = b"x" * MO
        for _ in range(octets // MO):
            f.write(bloc)
        f.write(b"\r\n")
    return chemin


def csv_sans_tableau(chemin: Path, lignes: int) -> Path:
    """Un CSV de ``lignes`` lignes de texte, sans ligne d'en-têtes."""
    with open(chemin, "wb") as f:
        bloc = b"lorem;ipsum;dolor;sit;amet\r\n" * 1000
        for _ in range(lignes // 1000):
            f.write(bloc)
    return chemin


def nombres_apres_le_tableau(chemin: Path, octets: int, colonnes: int = 40) -> Path:
    """Un tableau d'un dossier, une ligne vide, puis ``octets`` de lignes de ``colonnes`` nombres.

    Le tableau s'arrête à la ligne vide ; calamine, lui, charge toute la feuille.
    """
    modele = "".join(f'<c r="{lettres_colonne(j)}§"><v>{j}</v></c>' for j in range(colonnes))
    lignes = max(1, octets // (len(modele) + 20))

    def corps() -> Iterator[bytes]:
        paquet = []
        for n in range(4, lignes + 4):
            paquet.append(f'<row r="{n}">{modele.replace("§", str(n))}</row>')
            if len(paquet) == 1000:
                yield "".join(paquet).encode()
                paquet = []
        yield "".join(paquet).encode()
    return _ecrire(chemin, _feuille(tableau_valide(), corps()), _chaines(0))
