"""Fichiers CSV, tels qu'Excel les exporte en France : point-virgule, Windows-1252 ou UTF-8
avec BOM, UTF-16 ; virgule et tabulation reconnues aussi."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture import csv_colonnes
from cdv_regles.lecture.entete import (
    colonnes_retenues,
    construire,
    index_contrat,
    introuvable,
    reconnus,
    trouver_entete,
)
from cdv_regles.lecture.fichier import lire_octets
from cdv_regles.lecture.limites import ENTETES_MIN, LIGNES_ENTETE_MAX, Limites, entier
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
        except UnicodeDecodeError as e:
            if encodage == "utf-8" and (melange := _melange(donnees, e.start, nom)):
                raise melange from None
            continue
        texte = texte.rstrip("\x1a")  # fin de fichier des vieux outils DOS
        echantillon = texte[:8000]
        controles = sum(1 for c in echantillon if ord(c) < 32 and c not in "\t\r\n\f\v")
        if "\x00" in texte or controles > max(2, len(echantillon) // 100):
            break
        return texte
    raise pas_un_tableur(nom, "son contenu n'est pas du texte (fichier binaire d'un autre type)")


_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _melange(donnees: bytes, position: int, nom: str) -> EntreeInvalide | None:
    """Un fichier UTF-8 dont une ligne ne l'est pas (collée depuis un export Windows-1252…).

    Le décoder tout en Windows-1252 rendrait méconnaissables ses lignes UTF-8 (« CoÃ»t »), en-têtes
    compris : mieux vaut dire l'encodage que « colonnes absentes ». Une ligne entière valide en
    UTF-8 et non ASCII suffit à reconnaître l'UTF-8 : en Windows-1252, un texte français n'en
    forme pas par hasard. ``position`` : le premier octet qui n'est pas de l'UTF-8.
    """
    debut_ligne = donnees.rfind(b"\n", 0, position) + 1
    # Avant la ligne fautive, tout s'est décodé en UTF-8 : un caractère non ASCII y suffit.
    utf8 = not donnees[:debut_ligne].isascii()
    suite = donnees.find(b"\n", position)
    if suite < 0 or _NON_ASCII.search(donnees, suite) is None:  # (sans recopier la suite)
        suite = -1  # rien de non ASCII après la ligne fautive : pas d'UTF-8 à y trouver
    for _ in range(200 if not utf8 and suite >= 0 else 0):
        m = _NON_ASCII.search(donnees, suite)
        if not m:
            break
        debut = donnees.rfind(b"\n", 0, m.start()) + 1
        suite = donnees.find(b"\n", m.end())
        try:
            donnees[debut:suite if suite >= 0 else len(donnees)].decode("utf-8")
        except UnicodeDecodeError:
            if suite < 0:
                break
            continue
        utf8 = True
        break
    if utf8:
        ligne = donnees.count(b"\n", 0, position) + 1
        octet = donnees[position]
        caractere = bytes([octet]).decode("cp1252", "replace")
        vu = f"« {caractere} », octet 0x{octet:02X}" if caractere.isprintable() and caractere != "\ufffd" \
            else f"octet 0x{octet:02X}"
        return EntreeInvalide(
            f"Le fichier CSV « {nom} » mélange deux encodages : il est en UTF-8, sauf la ligne "
            f"{ligne} ({vu}, écrit en Windows-1252 — sans doute une ligne collée depuis un autre "
            "fichier). Corrigez ou retapez cette ligne, puis enregistrez le fichier de nouveau en "
            "« CSV UTF-8 (délimité par des virgules) » ou en « CSV (séparateur : point-virgule) » "
            "depuis Excel.")
    return None


_SEPARATEURS = (";", ",", "\t")
_CELLULE_MAX = 131_072  # caractères d'une cellule

_CSV_ERREURS = (
    ("field larger than field limit", "une cellule dépasse {limite} caractères (Excel en accepte "
     "32 767 au plus) : un guillemet n'est sans doute pas fermé"),
    ("unexpected end of data", "le fichier se termine au milieu d'une cellule entre guillemets : "
     "un guillemet n'est pas fermé"),
    ("expected after", "un guillemet fermant est suivi d'autre chose que le séparateur"),
    ("new-line character", "retour à la ligne au milieu d'une cellule sans guillemets"),
    ("nul", "caractère nul : ce n'est pas un fichier texte"),
)


def _cause_csv(e: csv.Error) -> str:
    texte = str(e).lower()
    for fragment, cause in _CSV_ERREURS:
        if fragment in texte:
            return cause.format(limite=entier(_CELLULE_MAX))
    return "structure invalide"


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


# Les fins de ligne que str.splitlines reconnaît en plus de \n et \r (StringIO, non).
_AUTRES_FINS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_MORCEAU = 1 << 20  # caractères découpés d'un coup


def _lignes(texte: str, morceau: int = _MORCEAU) -> Iterator[str]:
    """Les lignes du texte, fins de ligne comprises, découpées comme ``StringIO(newline="")``
    (``\\r\\n``, ``\\n`` ou ``\\r`` seul).

    Sans copie du texte entier : StringIO le recopierait en 4 octets par caractère (400 Mo pour
    un CSV de 100 Mo), et le lecteur csv s'arrête souvent bien avant la fin (limites, en-têtes).
    Par morceaux d'environ ``morceau`` caractères finissant par « \\n » : ``splitlines`` (en C)
    les découpe pareil quand ils n'ont aucune des autres fins qu'il reconnaît ; sinon, recherche
    des fins une à une.
    """
    debut, n = 0, len(texte)
    while debut < n:
        fin = texte.find("\n", min(debut + morceau, n) - 1)
        fin = n if fin < 0 else fin + 1
        bloc = texte[debut:fin]
        if any(c in bloc for c in _AUTRES_FINS):
            yield from _lignes_une_a_une(bloc)
        else:
            yield from bloc.splitlines(keepends=True)
        debut = fin


def _lignes_une_a_une(texte: str) -> Iterator[str]:
    debut, n = 0, len(texte)
    while debut < n:
        lf = texte.find("\n", debut)
        cr = texte.find("\r", debut, lf if lf >= 0 else n)
        if cr < 0:
            fin = lf + 1 if lf >= 0 else n
        elif cr + 1 == lf:
            fin = cr + 2  # \r\n
        else:
            fin = cr + 1
        yield texte[debut:fin]
        debut = fin


class _Lecteur:
    """Les enregistrements du CSV, comme ``csv.reader(lignes, delimiter=separateur, strict=True)``.

    Une ligne sans guillemet (la plupart) est découpée par ``str.split``, bien plus vite que le
    module csv ; une ligne qui en a un est confiée au lecteur csv, qui prend à la suite les
    lignes d'une cellule entre guillemets sur plusieurs lignes. ``line_num`` : les lignes du
    fichier lues jusqu'ici, comme celui du lecteur csv (pour dire où est une erreur).
    """

    def __init__(self, lignes: Iterator[str], separateur: str) -> None:
        self._lignes = lignes
        self._tete: str | None = None
        self._sep = separateur
        self._csv = csv.reader(iter(self._suivante, None), delimiter=separateur, strict=True)
        self._hors_csv = 0  # lignes découpées ici, sans le lecteur csv

    @property
    def line_num(self) -> int:
        return self._hors_csv + self._csv.line_num

    def __iter__(self) -> Iterator[list[str]]:
        sep, limite, hors_csv = self._sep, csv.field_size_limit(), self._hors_csv
        try:
            for ligne in self._lignes:
                if '"' in ligne:
                    self._tete = ligne
                    yield next(self._csv)
                    continue
                hors_csv += 1
                # Une ligne finit par une seule fin de ligne (\r\n, \n ou \r), seule à en contenir.
                ligne = ligne.rstrip("\r\n")
                cellules = ligne.split(sep) if ligne else []
                if len(ligne) > limite and max(map(len, cellules)) > limite:
                    raise csv.Error(f"field larger than field limit ({limite})")
                yield cellules
        finally:  # à l'erreur (line_num la situe) ou quand la lecture s'arrête
            self._hors_csv = hors_csv

    def _suivante(self) -> str:
        # Les lignes que le lecteur csv demande : celle qui a un guillemet, puis ses suivantes.
        if self._tete is not None:
            ligne, self._tete = self._tete, None
            return ligne
        return next(self._lignes)


def lire_csv(p: Path, nom: str, limites: Limites) -> TableBrute:
    texte = _decoder(lire_octets(p, nom, limites), nom)
    if not texte.strip():
        raise EntreeInvalide(f"Le fichier « {nom} » ne contient que des lignes vides. {CONSEIL_FORMAT}")
    separateur = _choisir_separateur(texte)
    # Limite de taille d'une cellule fixée ici (elle est globale au module csv, et d'autres
    # bibliothèques la relèvent) : 4 fois ce qu'Excel accepte (32 767 caractères).
    limite = csv.field_size_limit(_CELLULE_MAX)
    try:
        if len(texte) >= csv_colonnes.TAILLE_MIN and csv_colonnes.admissible(texte):
            try:
                return _par_colonnes(texte, separateur, nom, limites)
            except csv_colonnes.Repli:
                pass
        return _ligne_a_ligne(texte, separateur, nom, limites)
    finally:
        csv.field_size_limit(limite)


def _mal_forme(nom: str, ligne: int, e: csv.Error) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le fichier CSV « {nom} » est mal formé à la ligne {ligne} ({_cause_csv(e)}) : "
        "vérifiez les guillemets, ou enregistrez-le de nouveau depuis Excel.")


def _par_colonnes(texte: str, separateur: str, nom: str, limites: Limites) -> TableBrute:
    """Les premiers enregistrements lus ligne à ligne (la ligne d'en-têtes y est cherchée), le
    reste par colonnes (:mod:`.csv_colonnes`)."""
    lignes = csv_colonnes.Compteur(_lignes(texte))
    lecteur = _Lecteur(lignes, separateur)
    maximum = LIGNES_ENTETE_MAX + limites.lignes_max + 1
    debut: list[list[Any]] = []
    lus: list[tuple[int, int]] = []  # (lignes, caractères) lus à la fin de chaque enregistrement
    try:
        for rangee in itertools.islice(lecteur, min(LIGNES_ENTETE_MAX, maximum)):
            debut.append(rangee)
            lus.append((lignes.lignes, lignes.caracteres))
    except csv.Error as e:
        raise _mal_forme(nom, lecteur.line_num, e) from None
    index = index_contrat()
    i = trouver_entete(debut.__getitem__, len(debut), index)
    if i is None:  # (le reste du fichier n'est pas lu, comme ligne à ligne)
        raise introuvable(nom, None)
    lignes_avant, caracteres = lus[i]
    largeur = 1 + max(colonnes_retenues(debut[i]), default=0)
    try:
        corps = csv_colonnes.Corps(texte[caracteres:], separateur, lignes_avant, maximum - i - 1,
                                   largeur, _CELLULE_MAX)
    except csv_colonnes.MalForme as e:
        raise _mal_forme(nom, e.ligne, e.erreur) from None
    return csv_colonnes.construire(debut[i], i + 1, corps, chemin=nom, limites=limites, index=index)


def _ligne_a_ligne(texte: str, separateur: str, nom: str, limites: Limites) -> TableBrute:
    # strict : un guillemet mal fermé est une erreur signalée, pas des lignes fusionnées en silence.
    lecteur = _Lecteur(_lignes(texte), separateur)
    enregistrements = iter(lecteur)
    grille: list[list[Any]] = []
    maximum = LIGNES_ENTETE_MAX + limites.lignes_max + 1
    index = index_contrat()
    try:
        # Les cellules vides ou d'espaces deviennent None plus loin (entete.construire).
        grille.extend(itertools.islice(enregistrements, min(LIGNES_ENTETE_MAX, maximum)))
        # Pas d'en-têtes dans les premières lignes : inutile de lire le reste du fichier.
        if len(grille) < LIGNES_ENTETE_MAX or any(reconnus(r, index) >= ENTETES_MIN for r in grille):
            grille.extend(itertools.islice(enregistrements, maximum - len(grille)))
    except csv.Error as e:
        raise _mal_forme(nom, lecteur.line_num, e) from None
    # Le numéro d'un enregistrement est son rang (1 pour le premier) : la ligne qu'Excel affiche
    # en ouvrant le CSV, même quand une cellule entre guillemets tient sur plusieurs lignes.
    return construire(
        grille, chemin=nom, feuille=None, premiere_ligne=1, premiere_colonne=0,
        numeros_lignes=list(range(1, len(grille) + 1)), fusions=None, tableaux=None, limites=limites, format="csv")
