"""Fichiers CSV, tels qu'Excel les exporte en France : point-virgule, Windows-1252 ou UTF-8
avec BOM, UTF-16 ; virgule et tabulation reconnues aussi."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture.entete import construire, index_contrat, reconnus
from cdv_regles.lecture.fichier import lire_octets
from cdv_regles.lecture.limites import LIGNES_ENTETE_MAX, Limites
from cdv_regles.lecture.messages import CONSEIL_FORMAT, pas_un_tableur
from cdv_regles.lecture.table import TableBrute


def _decoder(donnees: bytes, nom: str) -> str:
    if donnees.startswith(b"\xef\xbb\xbf"):
        encodages = ["utf-8-sig"]
    elif donnees.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodages = ["utf-16"]
    else:
        debut = donnees[:4000]
        pairs, impairs = debut[0::2].count(0), debut[1::2].count(0)
        if impairs > len(debut) // 4 and pairs == 0:
            encodages = ["utf-16-le"]
        elif pairs > len(debut) // 4 and impairs == 0:
            encodages = ["utf-16-be"]
        else:
            encodages = ["utf-8", "cp1252"]
    for encodage in encodages:
        try:
            texte = donnees.decode(encodage)
        except UnicodeDecodeError:
            continue
        texte = texte.rstrip("\x1a")  # fin de fichier des vieux outils DOS
        echantillon = texte[:8000]
        controles = sum(1 for c in echantillon if ord(c) < 32 and c not in "\t\r\n\f\v")
        if "\x00" in texte or controles > max(2, len(echantillon) // 100):
            break
        return texte
    raise pas_un_tableur(nom, "son contenu n'est pas du texte (fichier binaire d'un autre type)")


_SEPARATEURS = (";", ",", "\t")


def _choisir_separateur(texte: str) -> str:
    """Le séparateur qui fait apparaître le plus d'en-têtes du contrat dans les premières lignes."""
    debut = "\n".join(texte[:500_000].splitlines()[:LIGNES_ENTETE_MAX])
    index = index_contrat()
    meilleur, score = ";", 0
    for sep in _SEPARATEURS:
        try:
            rangees = list(csv.reader(io.StringIO(debut), delimiter=sep))
        except csv.Error:
            continue
        n = max((reconnus(list(r), index) for r in rangees), default=0)
        if n > score:
            meilleur, score = sep, n
    return meilleur


def _enregistrements(lecteur: Any) -> Iterator[tuple[int, list[str]]]:
    precedent = 0
    for enregistrement in lecteur:
        yield precedent + 1, enregistrement
        precedent = lecteur.line_num


def lire_csv(p: Path, nom: str, limites: Limites) -> TableBrute:
    texte = _decoder(lire_octets(p, nom, limites), nom)
    if not texte.strip():
        raise EntreeInvalide(f"Le fichier « {nom} » ne contient que des lignes vides. {CONSEIL_FORMAT}")
    separateur = _choisir_separateur(texte)
    # strict : un guillemet mal fermé est une erreur signalée, pas des lignes fusionnées en silence.
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, strict=True)
    grille: list[list[Any]] = []
    numeros: list[int] = []
    maximum = LIGNES_ENTETE_MAX + limites.lignes_max + 1
    try:
        for numero, enregistrement in _enregistrements(lecteur):
            grille.append([c if c and not c.isspace() else None for c in enregistrement])
            numeros.append(numero)
            if len(grille) >= maximum:
                break
    except csv.Error as e:
        raise EntreeInvalide(
            f"Le fichier CSV « {nom} » est mal formé à la ligne {lecteur.line_num} ({e}) : "
            "vérifiez les guillemets, ou enregistrez-le de nouveau depuis Excel.") from None
    return construire(
        grille, chemin=nom, feuille=None, premiere_ligne=1, premiere_colonne=0,
        numeros_lignes=numeros, fusions=None, tableaux=None, limites=limites, format="csv")
