"""Lecture du tableau de programmation : classeur (xlsx, xlsm, ods, xls) ou CSV → :class:`TableBrute`.

Le format est reconnu par le contenu du fichier (un classeur nommé « .csv » est lu comme un
classeur). Les classeurs sont lus par python-calamine (valeurs en cache des formules, lignes
masquées comprises) ; les CSV par le module ``csv`` (exports Excel français : point-virgule,
Windows-1252 ou UTF-8 avec BOM, UTF-16).

Avant d'ouvrir un classeur avec calamine, l'archive zip est vérifiée ici : taille de chaque
membre réellement décompressé (bombe de décompression, tailles déclarées mensongères, CRC),
membres chiffrés, et position des cellules remplies. Ce dernier point n'est pas un luxe :
calamine réserve d'un bloc la mémoire du rectangle qui va de la première à la dernière cellule
remplie, et une seule valeur oubliée en XFD1048576 fait avorter le processus (pas d'exception).

Limites (classe :class:`Limites`), modifiables par variables d'environnement :

- ``CDV_REGLES_TAILLE_MAX`` : taille maximale du fichier, en Mo (50 par défaut) ;
- ``CDV_REGLES_TAILLE_DECOMPRESSEE_MAX`` : somme des tailles décompressées des membres de
  l'archive d'un classeur, en Mo (500 par défaut) ;
- ``CDV_REGLES_LIGNES_MAX`` : nombre maximal de lignes de données (200 000 par défaut) ;
- ``CDV_REGLES_COLONNES_MAX`` : nombre maximal de colonnes (500 par défaut).

Limites connues : les erreurs de formule (« #REF! »…) sont rendues telles quelles pour les
xlsx/xlsm et les CSV ; calamine les rend vides pour les .ods et .xls. Les cellules fusionnées ne
sont connues que pour les xlsx/xlsm/xls.
"""

from __future__ import annotations

import contextlib
import csv
import io
import operator
import os
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdv_regles.erreurs import EntreeInvalide

MO = 1024**2
LIGNES_ENTETE_MAX = 30  # la ligne d'en-tête est cherchée dans les 30 premières lignes
ENTETES_MIN = 3  # en-têtes du contrat qu'une ligne doit contenir pour être la ligne d'en-tête
_MEMBRES_MAX = 10_000  # membres d'une archive de classeur (un vrai classeur en a quelques dizaines)
_STRUCTURE_MAX = 20 * MO  # taille d'un membre de structure (workbook.xml, .rels, tables) gardé
_MORCEAU = 1 * MO
# Au-delà de ces marges (en plus des limites), une valeur isolée est « très loin » : calamine
# réserverait le rectangle qui la contient, jusqu'à faire avorter le processus.
_MARGE_LIGNES = 1000
_MARGE_COLONNES = 100

_CONSEIL_FORMAT = "Enregistrez-le depuis Excel au format .xlsx ou CSV (séparateur point-virgule)."


# --- limites --------------------------------------------------------------------------------

_VARIABLES = {
    "taille_fichier_max": ("CDV_REGLES_TAILLE_MAX", MO, "en Mo"),
    "taille_decompressee_max": ("CDV_REGLES_TAILLE_DECOMPRESSEE_MAX", MO, "en Mo"),
    "lignes_max": ("CDV_REGLES_LIGNES_MAX", 1, ""),
    "colonnes_max": ("CDV_REGLES_COLONNES_MAX", 1, ""),
}


@dataclass
class Limites:
    """Garde-fous de lecture (voir la docstring du module pour les variables d'environnement)."""

    taille_fichier_max: int = 50 * MO  # octets
    taille_decompressee_max: int = 500 * MO  # somme des tailles décompressées (xlsx/xlsm/ods)
    lignes_max: int = 200_000
    colonnes_max: int = 500

    @classmethod
    def depuis_environnement(cls, environ: Mapping[str, str] | None = None) -> Limites:
        """Les limites par défaut, remplacées par les variables ``CDV_REGLES_…`` présentes."""
        environ = os.environ if environ is None else environ
        valeurs: dict[str, int] = {}
        for attribut, (variable, unite, libelle) in _VARIABLES.items():
            brut = environ.get(variable)
            if brut is None or not brut.strip():
                continue
            try:
                n = int(brut.strip().replace(" ", "").replace("_", ""))
            except ValueError:
                n = 0
            if n <= 0:
                precision = f" ({libelle})" if libelle else ""
                raise EntreeInvalide(
                    f"La variable d'environnement {variable} vaut « {brut} » : attendu un nombre "
                    f"entier positif{precision}. Corrigez-la ou supprimez-la pour garder la valeur "
                    "par défaut.")
            valeurs[attribut] = n * unite
        return cls(**valeurs)


def _entier(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _seuils(limites: Limites) -> tuple[int, int]:
    """Dernière ligne et dernière colonne (1-based) où une valeur peut se trouver sans danger."""
    return (limites.lignes_max + LIGNES_ENTETE_MAX + 1 + _MARGE_LIGNES,
            limites.colonnes_max + _MARGE_COLONNES)


def _taille(octets: int) -> str:
    if octets >= MO and octets % MO == 0:
        return f"{octets // MO:,} Mo".replace(",", " ")
    if octets >= MO:
        return f"{octets / MO:.1f} Mo".replace(".", ",")
    return f"{octets:,} octets".replace(",", " ")


# --- résultat -------------------------------------------------------------------------------

@dataclass
class TableBrute:
    """Le tableau tel que lu, avant toute conversion de type."""

    chemin: str  # tel que donné
    feuille: str | None  # nom de la feuille lue (None pour un CSV)
    entetes: list[str]  # textes des cellules d'en-tête retenues (str(), strip())
    colonnes_excel: list[int]  # index 0-based de la colonne de feuille de chaque en-tête
    lignes: list[list[Any]]  # lignes de données alignées sur entetes ; None pour une cellule vide
    numeros: list[int]  # numéro (1-based) de chaque ligne de données dans la feuille ou le fichier
    ligne_entete: int  # numéro 1-based de la ligne d'en-tête
    format: str = ""  # « xlsx », « ods », « xls », « csv » ou « grille » (valeurs déjà lues)
    # Première ligne non vide après la ligne vide qui a terminé le tableau : ces lignes ne sont
    # pas lues, l'appelant peut le signaler (None s'il n'y en a pas).
    ligne_donnees_ignorees: int | None = None


@dataclass(frozen=True)
class TableauExcel:
    """Un « Tableau » Excel (objet liste) : ses données s'arrêtent à ``derniere_ligne``."""

    ligne_entete: int  # 1-based
    derniere_ligne: int  # 1-based, dernière ligne de données (ligne de total exclue)
    colonne_debut: int  # 0-based
    colonne_fin: int  # 0-based, incluse


class _EnteteIntrouvable(EntreeInvalide):
    """Pas de ligne d'en-tête dans une grille (permet d'essayer la feuille suivante)."""


def adresse_a1(colonne0: int, ligne1: int) -> str:
    """Adresse Excel d'une cellule : (0, 1) → « A1 », (27, 5) → « AB5 »."""
    return f"{lettres_colonne(colonne0)}{ligne1}"


def lettres_colonne(colonne0: int) -> str:
    """Lettres Excel d'une colonne comptée à partir de 0 : 0 → « A », 26 → « AA »."""
    n, lettres = colonne0 + 1, ""
    while n > 0:
        n, reste = divmod(n - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def _numero_colonne(lettres: bytes | str) -> int:
    """« A » → 0, « AB » → 27."""
    n = 0
    for c in lettres.encode() if isinstance(lettres, str) else lettres:
        n = n * 26 + (c - 64)
    return n - 1


# --- repérage de l'en-tête et de la fin du tableau ------------------------------------------

def _vide(c: Any) -> bool:
    return c is None or (c.__class__ is str and (not c or c.isspace()))


def _ligne_vide(rangee: Iterable[Any]) -> bool:
    return all(_vide(c) for c in rangee)


def _index_contrat() -> dict[str, Any]:
    from cdv_regles.contrat import colonnes_socle, index_entetes

    return index_entetes(colonnes_socle())


def _texte_entete(v: Any) -> str:
    from cdv_regles.valeurs import lire_texte

    return lire_texte(v) or ""


def _reconnus(rangee: list[Any], index: Mapping[str, Any]) -> int:
    """Nombre de colonnes distinctes du contrat dont l'en-tête figure dans la rangée."""
    from cdv_regles.contrat import normaliser_entete

    vues = set()
    for v in rangee:
        if not _vide(v):
            colonne = index.get(normaliser_entete(_texte_entete(v)))
            if colonne is not None:
                vues.add(colonne.id)
    return len(vues)


Fusion = tuple[tuple[int, int], tuple[int, int]]  # ((ligne0, col0), (ligne1, col1)) 0-based


def table_depuis_valeurs(
    valeurs: list[list[Any]],
    *,
    chemin: str,
    feuille: str | None,
    premiere_ligne: int = 1,
    premiere_colonne: int = 0,
    fusions: Iterable[Fusion] | None = None,
    tableaux: Iterable[TableauExcel] | None = None,
    limites: Limites | None = None,
) -> TableBrute:
    """Repère l'en-tête et la fin du tableau dans une grille de valeurs déjà lue.

    ``valeurs[0][0]`` est la cellule (``premiere_ligne``, ``premiere_colonne``) de la feuille.
    ``fusions`` (coordonnées 0-based de la feuille, comme calamine) : la cellule en haut à gauche
    donne sa valeur ; dans l'en-tête, les autres colonnes de la fusion sont ignorées ; dans les
    données, une fusion verticale vaut pour chaque ligne qu'elle couvre (c'est ce que voit
    l'utilisateur). ``tableaux`` : les Tableaux Excel de la feuille, dont la fin arrête les données.

    Les données s'arrêtent à la première ligne entièrement vide (toutes ses cellules, y compris
    hors des colonnes qui ont un en-tête) ; ``ligne_donnees_ignorees`` dit s'il y a du contenu après.
    """
    return _construire(
        valeurs, chemin=chemin, feuille=feuille, premiere_ligne=premiere_ligne,
        premiere_colonne=premiere_colonne, numeros_lignes=None, fusions=fusions,
        tableaux=tableaux, limites=limites or Limites.depuis_environnement(), format="grille")


def _construire(
    grille: list[list[Any]],
    *,
    chemin: str,
    feuille: str | None,
    premiere_ligne: int,
    premiere_colonne: int,
    numeros_lignes: list[int] | None,
    fusions: Iterable[Fusion] | None,
    tableaux: Iterable[TableauExcel] | None,
    limites: Limites,
    format: str,
) -> TableBrute:
    def numero(i: int) -> int:
        return numeros_lignes[i] if numeros_lignes is not None else premiere_ligne + i

    grille = list(grille)  # les fusions remplacent des rangées : ne pas toucher celle de l'appelant

    # Fusions ramenées aux indices de la grille ; celles qui débordent de la grille sont ignorées.
    locales = []
    for (r0, c0), (r1, c1) in fusions or ():
        r0, r1 = r0 - (premiere_ligne - 1), r1 - (premiere_ligne - 1)
        c0, c1 = c0 - premiere_colonne, c1 - premiere_colonne
        if 0 <= r0 < len(grille) and c0 >= 0 and r1 >= r0 and c1 >= c0:
            locales.append((r0, c0, r1, c1))

    def rangee_entete(i: int) -> list[Any]:
        rangee = list(grille[i])
        for r0, c0, r1, c1 in locales:
            if r0 <= i <= r1:
                haut = grille[r0][c0] if c0 < len(grille[r0]) else None
                rangee.extend([None] * (c1 + 1 - len(rangee)))
                rangee[c0] = haut
                for c in range(c0 + 1, c1 + 1):
                    rangee[c] = None
        return rangee

    index = _index_contrat()
    i_entete = None
    for i in range(min(LIGNES_ENTETE_MAX, len(grille))):
        if _reconnus(rangee_entete(i), index) >= ENTETES_MIN:
            i_entete = i
            break
    if i_entete is None:
        ou = f"la feuille « {feuille} » de « {chemin} »" if feuille else f"« {chemin} »"
        raise _EnteteIntrouvable(
            f"Aucun tableau de programmation trouvé dans {ou} : il faut une ligne d'en-têtes "
            "comme « N° dossier », « Porteur », « SIRET », « Coût total de l'action »… (au moins "
            f"{ENTETES_MIN} en-têtes du modèle dans les {LIGNES_ENTETE_MAX} premières lignes). "
            "Vérifiez le fichier choisi, ou nommez « Programmation » la feuille du tableau.")

    entete = rangee_entete(i_entete)
    retenues = [j for j, v in enumerate(entete) if not _vide(v)]
    if len(retenues) > limites.colonnes_max:
        raise EntreeInvalide(
            f"Le tableau de « {chemin} » a {len(retenues)} colonnes, plus que la limite de "
            f"{limites.colonnes_max} : supprimez les colonnes inutiles, ou augmentez la limite avec "
            "la variable d'environnement CDV_REGLES_COLONNES_MAX.")
    # Les lignes couvertes par une fusion verticale de l'en-tête font partie de l'en-tête.
    debut = 1 + max([i_entete] + [r1 for r0, c0, r1, _ in locales
                                  if r0 <= i_entete <= r1 and c0 in retenues])

    fin_tableau = len(grille)
    ligne_entete = numero(i_entete)
    col_min, col_max = premiere_colonne + retenues[0], premiere_colonne + retenues[-1]
    for t in tableaux or ():
        if t.ligne_entete == ligne_entete and t.colonne_debut <= col_max and t.colonne_fin >= col_min:
            fin_tableau = min(fin_tableau, max(debut, t.derniere_ligne - premiere_ligne + 1))

    # Une fusion verticale dans les données vaut pour toutes les lignes qu'elle couvre.
    for r0, c0, r1, _ in locales:
        if r0 >= debut and r1 > r0 and c0 < len(grille[r0]):
            for r in range(r0 + 1, min(r1, len(grille) - 1) + 1):
                rangee = list(grille[r])
                rangee.extend([None] * (c0 + 1 - len(rangee)))
                rangee[c0] = grille[r0][c0]
                grille[r] = rangee

    lignes: list[list[Any]] = []
    numeros: list[int] = []
    largeur = retenues[-1] + 1
    prendre = operator.itemgetter(*retenues)  # au moins ENTETES_MIN colonnes : un tuple
    ignorees = None
    i = debut
    while i < fin_tableau:
        rangee = grille[i]
        if _ligne_vide(rangee):
            ignorees = next((numero(k) for k in range(i + 1, len(grille))
                             if not _ligne_vide(grille[k])), None)
            break
        if len(lignes) == limites.lignes_max:
            raise EntreeInvalide(
                f"Le tableau de « {chemin} » a plus de {_entier(limites.lignes_max)} lignes de "
                "données (limite de sécurité) : vérifiez qu'il ne se prolonge pas par erreur, ou "
                "augmentez la limite avec la variable d'environnement CDV_REGLES_LIGNES_MAX.")
        if len(rangee) < largeur:
            rangee = list(rangee) + [None] * (largeur - len(rangee))
        lignes.append([None if c == "" or (c.__class__ is str and c.isspace()) else c
                       for c in prendre(rangee)])
        numeros.append(numero(i))
        i += 1

    return TableBrute(
        chemin=chemin, feuille=feuille,
        entetes=[_texte_entete(entete[j]) for j in retenues],
        colonnes_excel=[premiere_colonne + j for j in retenues],
        lignes=lignes, numeros=numeros, ligne_entete=ligne_entete, format=format,
        ligne_donnees_ignorees=ignorees)


# --- point d'entrée -------------------------------------------------------------------------

def lire_table(chemin: str | os.PathLike[str], *, limites: Limites | None = None) -> TableBrute:
    """Lit le tableau de programmation d'un classeur ou d'un CSV.

    Lève :class:`EntreeInvalide` (message en français, code de sortie 2) pour tout fichier
    illisible, trop gros, protégé, ou sans tableau reconnaissable ; jamais une autre exception.
    """
    limites = limites or Limites.depuis_environnement()
    nom = os.fspath(chemin)
    p = Path(nom)
    try:
        if p.is_dir():
            raise EntreeInvalide(
                f"« {nom} » est un dossier : donnez le chemin du classeur (.xlsx) ou du fichier CSV.")
        etat = p.stat()
        if not stat.S_ISREG(etat.st_mode):
            raise EntreeInvalide(
                f"« {nom} » n'est pas un fichier ordinaire : donnez le chemin du classeur (.xlsx) "
                "ou du fichier CSV.")
        taille = etat.st_size
        with open(p, "rb") as f:
            debut = f.read(8)
    except FileNotFoundError:
        raise EntreeInvalide(f"Le fichier « {nom} » est introuvable : vérifiez le chemin.") from None
    except PermissionError:
        raise EntreeInvalide(
            f"Le fichier « {nom} » ne peut pas être lu (accès refusé) : s'il est ouvert dans un "
            "autre programme, fermez-le, ou vérifiez vos droits sur le fichier.") from None
    except OSError as e:
        raise EntreeInvalide(f"Le fichier « {nom} » ne peut pas être lu : {e.strerror or e}.") from None
    if taille == 0:
        raise EntreeInvalide(f"Le fichier « {nom} » est vide (0 octet). {_CONSEIL_FORMAT}")
    if taille > limites.taille_fichier_max:
        raise EntreeInvalide(
            f"Le fichier « {nom} » fait {_taille(taille)}, plus que la limite de "
            f"{_taille(limites.taille_fichier_max)} : vérifiez qu'il s'agit bien du tableau de "
            "programmation, ou augmentez la limite avec la variable d'environnement "
            "CDV_REGLES_TAILLE_MAX (en Mo).")

    if debut.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        archive = _inspecter_archive(p, nom, limites)
        return _lire_classeur(p, nom, archive.format, archive, limites)
    if debut.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        _verifier_ole2(p, nom, limites)
        return _lire_classeur(p, nom, "xls", None, limites)
    return _lire_csv(p, nom, limites)


def _pas_un_tableur(nom: str, raison: str) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le fichier « {nom} » n'est pas un classeur lisible (xlsx, xlsm, ods) ni un CSV : "
        f"{raison}. {_CONSEIL_FORMAT}")


def _abime(nom: str, detail: str) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le fichier « {nom} » est abîmé ou incomplet ({detail}) : rouvrez l'original dans Excel "
        "et enregistrez-le de nouveau au format .xlsx, ou demandez une nouvelle copie.")


def _protege(nom: str) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le classeur « {nom} » est protégé par un mot de passe (chiffré) : l'outil ne peut pas le "
        "lire. Ouvrez-le dans Excel, retirez le mot de passe (Fichier > Informations > Protéger "
        "le classeur > Chiffrer avec mot de passe : effacez-le) et enregistrez-le.")


# --- archive zip (xlsx, xlsm, ods) : vérifications avant calamine ---------------------------

@dataclass
class _Feuille:
    """Ce que l'inspection a vu d'une feuille (membre XML de l'archive)."""

    loin: tuple[int, int] | None = None  # (ligne0, col0) d'une valeur hors limites
    erreurs: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class _Archive:
    format: str  # xlsx ou ods
    # Clé : membre en minuscules (xlsx) ou nom de feuille (ods) ; seules les feuilles où
    # l'inspection a vu quelque chose (valeur lointaine, erreur de formule) y figurent.
    feuilles: dict[str, _Feuille]
    membres: dict[str, str] = field(default_factory=dict)  # nom de feuille -> membre (xlsx)
    tableaux: dict[str, list[TableauExcel]] = field(default_factory=dict)  # par nom de feuille

    def feuille(self, nom_feuille: str) -> _Feuille | None:
        if self.format == "ods":
            return self.feuilles.get(nom_feuille)
        membre = self.membres.get(nom_feuille)
        return self.feuilles.get(membre.lower()) if membre else None

    def loin(self, nom_feuille: str) -> tuple[int, int] | None:
        if self.format == "ods" or nom_feuille in self.membres:
            f = self.feuille(nom_feuille)
            return f.loin if f else None
        # Feuille non rattachée à un membre : prudence, la pire des feuilles vues.
        return next((g.loin for g in self.feuilles.values() if g.loin), None)


def _inspecter_archive(p: Path, nom: str, limites: Limites) -> _Archive:
    try:
        zf = zipfile.ZipFile(p)
    except Exception as e:  # BadZipFile, NotImplementedError (version), ValueError, OSError…
        raise _abime(nom, f"archive zip illisible : {e}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > _MEMBRES_MAX:
            raise _pas_un_tableur(nom, f"l'archive contient {len(infos)} fichiers")
        noms = {i.filename for i in infos}
        fmt = _format_archive(zf, noms, nom)
        if any(i.flag_bits & 0x1 for i in infos):
            raise _protege(nom)
        declare = sum(i.file_size for i in infos)
        if declare > limites.taille_decompressee_max:
            raise _bombe(nom, limites)
        return _parcourir_membres(zf, infos, fmt, nom, limites)


def _format_archive(zf: zipfile.ZipFile, noms: set[str], nom: str) -> str:
    minuscules = {n.lower() for n in noms}
    if "xl/workbook.bin" in minuscules:
        raise EntreeInvalide(
            f"Le classeur « {nom} » est au format binaire .xlsb, que l'outil ne lit pas : "
            "enregistrez-le depuis Excel au format .xlsx (Fichier > Enregistrer sous).")
    if "mimetype" in noms:
        try:
            type_mime = zf.read("mimetype")[:200].decode("ascii", "replace").strip()
        except Exception:  # membre abîmé : le parcours complet le dira
            type_mime = ""
        if type_mime.startswith("application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
        if type_mime.startswith("application/vnd.oasis.opendocument"):
            raise _pas_un_tableur(nom, "c'est un document OpenDocument qui n'est pas un classeur "
                                  "(texte, présentation…)")
    if "[content_types].xml" in minuscules and any(n.startswith("xl/") for n in minuscules):
        return "xlsx"
    if "content.xml" in minuscules:
        return "ods"
    if "word/document.xml" in minuscules:
        raise _pas_un_tableur(nom, "c'est un document Word")
    if "ppt/presentation.xml" in minuscules:
        raise _pas_un_tableur(nom, "c'est une présentation PowerPoint")
    raise _pas_un_tableur(nom, "c'est une archive zip qui ne contient pas de classeur")


def _bombe(nom: str, limites: Limites) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le fichier « {nom} » se décompresse en plus de {_taille(limites.taille_decompressee_max)} "
        "(limite de sécurité contre les « bombes de décompression ») : vérifiez qu'il s'agit bien "
        "du tableau de programmation ; si oui, augmentez la limite avec la variable "
        "d'environnement CDV_REGLES_TAILLE_DECOMPRESSEE_MAX (en Mo).")


def _est_structure(membre: str) -> bool:
    m = membre.lower()
    return (m.endswith(".rels") or m.endswith("workbook.xml")
            or (m.startswith("xl/tables/") and m.endswith(".xml")))


def _parcourir_membres(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], fmt: str, nom: str,
                       limites: Limites) -> _Archive:
    """Décompresse chaque membre en flux : taille réelle, CRC, et inspection des feuilles."""
    seuil_lignes, seuil_colonnes = _seuils(limites)
    total = 0
    structure: dict[str, bytes] = {}
    feuilles: dict[str, _Feuille] = {}
    lents: list[str] = []
    for info in infos:
        if info.is_dir():
            continue
        garder = fmt == "xlsx" and _est_structure(info.filename) and info.file_size <= _STRUCTURE_MAX
        inspecteur: _InspecteurXlsx | _InspecteurOds | None = None
        if fmt == "ods" and info.filename == "content.xml":
            inspecteur = _InspecteurOds(seuil_lignes, seuil_colonnes)
        morceaux = []
        premier = True
        try:
            with zf.open(info) as flux:
                while morceau := flux.read(_MORCEAU):
                    total += len(morceau)
                    if total > limites.taille_decompressee_max:
                        raise _bombe(nom, limites)
                    if garder:
                        morceaux.append(morceau)
                    if premier and fmt == "xlsx" and _RACINE_FEUILLE.search(morceau[:4096]):
                        inspecteur = _InspecteurXlsx(seuil_lignes, seuil_colonnes)
                    premier = False
                    if inspecteur is not None:
                        inspecteur.nourrir(morceau)
        except EntreeInvalide:
            raise
        except RuntimeError as e:  # membre chiffré
            if "encrypted" in str(e) or "password" in str(e):
                raise _protege(nom) from None
            raise _abime(nom, f"membre {info.filename} : {e}") from None
        except NotImplementedError:
            raise _pas_un_tableur(nom, f"le membre {info.filename} utilise une compression "
                                  "inconnue") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
            raise _abime(nom, f"membre {info.filename} : {e}") from None
        if garder:
            structure[info.filename] = b"".join(morceaux)
        if isinstance(inspecteur, _InspecteurXlsx):
            inspecteur.terminer()
            if inspecteur.lent:
                lents.append(info.filename)
            elif inspecteur.utile():
                feuilles[info.filename.lower()] = inspecteur.resultat
        elif isinstance(inspecteur, _InspecteurOds):
            inspecteur.terminer()
            feuilles.update(inspecteur.feuilles)

    if fmt == "ods":
        return _Archive("ods", feuilles)
    # Feuilles au XML inhabituel (cellules sans adresse, préfixes) : simulation complète.
    for membre in lents:
        feuilles[membre.lower()] = _simuler_xlsx(zf, membre, seuil_lignes, seuil_colonnes, nom)
    archive = _Archive("xlsx", feuilles)
    _lire_structure_xlsx(archive, structure, nom)
    return archive


_RACINE_FEUILLE = re.compile(rb"<(?:[\w.-]+:)?(?:worksheet|macrosheet|dialogsheet)[\s>]")


def _motif_superieur(n: str, alphabet: str, premier: str) -> str:
    """Expression régulière des mots (sur ``alphabet`` ordonné) qui dépassent ``n``.

    Un mot plus long est plus grand (``premier`` : classe du premier caractère, pour exclure
    les zéros de tête) ; à longueur égale, l'ordre est lexicographique.
    """
    choix = [f"{premier}[{alphabet[0]}-{alphabet[-1]}]{{{len(n)},}}"]
    for i, c in enumerate(n):
        plus = alphabet[alphabet.index(c) + 1:]
        if plus:
            reste = len(n) - i - 1
            choix.append(f"{re.escape(n[:i])}[{plus[0]}-{plus[-1]}][{alphabet[0]}-{alphabet[-1]}]{{{reste}}}")
    return "(?:" + "|".join(choix) + ")"


class _InspecteurXlsx:
    """Inspection en flux d'un membre XML de feuille xlsx, sans le parser en entier.

    Chemin rapide (XML d'Excel, LibreOffice, openpyxl : chaque ``<c`` commence par ``r="…"``) :
    seules les cellules d'adresse hors limites sont examinées, et les erreurs de formule
    (``t="e"``) relevées, car calamine les rend vides. Sinon ``lent`` : il faudra simuler.
    """

    _SANS_ADRESSE = re.compile(rb'<c(?:>|/>|\s(?!r="))')
    _ERREUR = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?\st="e"[^>]*(?<!/)>(.*?)</c>', re.S)
    _VALEUR = re.compile(rb"<v>([^<]*)</v>")

    def __init__(self, seuil_lignes: int, seuil_colonnes: int) -> None:
        lettres = lettres_colonne(seuil_colonnes - 1)
        chiffres = str(seuil_lignes)
        self._loin = re.compile(
            rb'<c r="(?:' + _motif_superieur(lettres, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "[A-Z]").encode()
            + rb'[0-9]|[A-Z]{1,3}+0*+' + _motif_superieur(chiffres, "0123456789", "[1-9]").encode()
            + rb'")')
        self._reste = b""
        self.lent = False
        self.resultat = _Feuille()

    def utile(self) -> bool:
        return self.resultat.loin is not None or bool(self.resultat.erreurs)

    def nourrir(self, morceau: bytes) -> None:
        tampon = self._reste + morceau
        # Ne traiter que jusqu'à la dernière fin de cellule : tout ce qui précède est complet.
        coupe = tampon.rfind(b"</c>")
        coupe = coupe + 4 if coupe >= 0 else tampon.rfind(b">") + 1
        if coupe <= 0 and len(tampon) < 16 * MO:
            self._reste = tampon
            return
        self._examiner(tampon[:coupe] if coupe > 0 else tampon)
        self._reste = tampon[coupe:] if coupe > 0 else b""

    def terminer(self) -> None:
        if self._reste:
            self._examiner(self._reste)
            self._reste = b""

    def _examiner(self, t: bytes) -> None:
        if self.lent:
            return
        if b":sheetData" in t or self._SANS_ADRESSE.search(t):
            self.lent = True
            return
        if self.resultat.loin is None:
            for m in self._loin.finditer(t):
                fin_balise = t.find(b">", m.end())
                if fin_balise < 0 or t[fin_balise - 1:fin_balise] == b"/":
                    continue  # cellule vide (mise en forme seule) : calamine l'ignore
                fin = t.find(b"</c>", fin_balise)
                contenu = t[fin_balise:fin if fin >= 0 else len(t)]
                if b"<v>" in contenu or b"<is>" in contenu or b"<is " in contenu:
                    adresse = re.match(rb'<c r="([A-Z]+)([0-9]+)"', t[m.start():])
                    if adresse:
                        self.resultat.loin = (int(adresse.group(2)) - 1,
                                              _numero_colonne(adresse.group(1)))
                        break
        if b't="e"' in t:
            for m in self._ERREUR.finditer(t):
                v = self._VALEUR.search(m.group(3))
                if v and v.group(1):
                    position = (int(m.group(2)) - 1, _numero_colonne(m.group(1)))
                    self.resultat.erreurs[position] = v.group(1).decode("ascii", "replace")


_JETON_XLSX = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")


def _simuler_xlsx(zf: zipfile.ZipFile, membre: str, seuil_lignes: int, seuil_colonnes: int,
                  nom: str) -> _Feuille:
    """Rejoue le placement des cellules de calamine (adresses implicites comprises).

    Prudent : toute cellule non vide de balise compte comme une valeur.
    """
    resultat = _Feuille()
    ligne = colonne = 0
    reste = b""
    attribut_r = re.compile(rb'\br="([A-Za-z]*)([0-9]+)"')
    try:
        with zf.open(membre) as flux:
            while True:
                morceau = flux.read(_MORCEAU)
                tampon = reste + morceau
                coupe = tampon.rfind(b">") + 1 if morceau else len(tampon)
                for m in _JETON_XLSX.finditer(tampon, 0, coupe):
                    fermante, nom_balise, attributs, vide = m.groups()
                    if vide:
                        continue  # balise vide : calamine ne la voit pas
                    if nom_balise == b"row":
                        if fermante:
                            ligne, colonne = ligne + 1, 0
                        else:
                            r = attribut_r.search(attributs)
                            if r:
                                ligne = int(r.group(2)) - 1
                        continue
                    if fermante:
                        continue
                    r = attribut_r.search(attributs)
                    position = ((int(r.group(2)) - 1, _numero_colonne(r.group(1).upper()))
                                if r else (ligne, colonne))
                    colonne = position[1] + 1
                    if resultat.loin is None and (position[0] >= seuil_lignes
                                                  or position[1] >= seuil_colonnes):
                        resultat.loin = position
                reste = tampon[coupe:]
                if not morceau:
                    break
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise _abime(nom, f"membre {membre} : {e}") from None
    return resultat


class _InspecteurOds:
    """Rejoue les répétitions de lignes et de colonnes de content.xml (ODS), en flux."""

    _JETON = re.compile(
        rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
    _REP_LIGNES = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
    _REP_COLONNES = re.compile(rb'table:number-columns-repeated="([0-9]+)"')
    _NOM = re.compile(rb'table:name="([^"]*)"')

    def __init__(self, seuil_lignes: int, seuil_colonnes: int) -> None:
        self.seuil_lignes, self.seuil_colonnes = seuil_lignes, seuil_colonnes
        self.feuilles: dict[str, _Feuille] = {}
        self._feuille = _Feuille()
        self._ligne = self._colonne = 0
        self._repetition = 1
        self._valeur_dans_ligne = False
        self._reste = b""

    def nourrir(self, morceau: bytes) -> None:
        tampon = self._reste + morceau
        coupe = tampon.rfind(b">") + 1
        self._examiner(tampon, coupe)
        self._reste = tampon[coupe:]

    def terminer(self) -> None:
        self._examiner(self._reste, len(self._reste))

    def _fin_de_ligne(self) -> None:
        if self._valeur_dans_ligne and self._feuille.loin is None:
            derniere = self._ligne + self._repetition - 1
            if derniere >= self.seuil_lignes:
                self._feuille.loin = (derniere, 0)
        self._ligne += self._repetition
        self._colonne, self._repetition, self._valeur_dans_ligne = 0, 1, False

    def _examiner(self, t: bytes, fin: int) -> None:
        from html import unescape

        for m in self._JETON.finditer(t, 0, fin):
            fermante, balise, attributs, vide = m.groups()
            if balise == b"table":
                if not fermante:
                    n = self._NOM.search(attributs)
                    nom = unescape(n.group(1).decode("utf-8", "replace")) if n else ""
                    self._feuille = self.feuilles.setdefault(nom, _Feuille())
                    self._ligne = self._colonne = 0
            elif balise == b"table-row":
                if fermante:
                    self._fin_de_ligne()
                else:
                    r = self._REP_LIGNES.search(attributs)
                    self._colonne, self._valeur_dans_ligne = 0, False
                    self._repetition = int(r.group(1)) if r else 1
                    if vide:
                        self._fin_de_ligne()
            elif not fermante:
                r = self._REP_COLONNES.search(attributs)
                n = int(r.group(1)) if r else 1
                if b"office:value-type" in attributs or not vide:
                    self._valeur_dans_ligne = True
                    derniere = self._colonne + n - 1
                    if derniere >= self.seuil_colonnes and self._feuille.loin is None:
                        self._feuille.loin = (self._ligne, derniere)
                self._colonne += n


def _xml(donnees: bytes, nom: str, membre: str) -> Any:
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
        raise _abime(nom, f"XML illisible dans {membre} : {e}") from None


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
    for e in _xml(donnees, nom, chemin_rels):
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


def _lire_structure_xlsx(archive: _Archive, structure: dict[str, bytes], nom: str) -> None:
    """Rattache chaque feuille à son membre XML, et relève ses Tableaux Excel."""
    classeur = next((cible for type_, cible in _relations(structure, "", nom).values()
                     if type_.endswith("/officeDocument")), "xl/workbook.xml")
    donnees = _chercher(structure, classeur)
    if donnees is None:
        return
    liens = _relations(structure, classeur, nom)
    for e in _xml(donnees, nom, classeur).iter():
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
        racine = _xml(donnees, nom, cible)
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
            tableaux.append(TableauExcel(haut, bas - total, _numero_colonne(m.group(1)),
                                         _numero_colonne(m.group(3))))
    return tableaux


# --- classeurs (calamine) -------------------------------------------------------------------

def _lire_octets(p: Path, nom: str, limites: Limites) -> bytes:
    try:
        with open(p, "rb") as f:
            donnees = f.read(limites.taille_fichier_max + 1)
    except OSError as e:
        raise EntreeInvalide(f"Le fichier « {nom} » ne peut pas être lu : {e.strerror or e}.") from None
    if len(donnees) > limites.taille_fichier_max:  # le fichier a grossi depuis la vérification
        raise EntreeInvalide(
            f"Le fichier « {nom} » dépasse la limite de {_taille(limites.taille_fichier_max)} : "
            "augmentez-la avec la variable d'environnement CDV_REGLES_TAILLE_MAX (en Mo).")
    return donnees


def _verifier_ole2(p: Path, nom: str, limites: Limites) -> None:
    """Un conteneur OLE2 qui porte un « EncryptedPackage » est un classeur chiffré."""
    donnees = _lire_octets(p, nom, limites)
    if "EncryptedPackage".encode("utf-16-le") in donnees:
        raise _protege(nom)


_EXTENSIONS = {"xlsx": {".xlsx", ".xlsm", ".xlam"}, "ods": {".ods"}, "xls": {".xls", ".xla"}}
_CONNUES = {".xlsx", ".xlsm", ".xlam", ".xls", ".xla", ".xlsb", ".ods"}


@contextlib.contextmanager
def _appel_calamine(nom: str, fmt: str) -> Iterator[None]:
    """Toute erreur de calamine devient un message, jamais une trace : y compris une panique
    Rust, que pyo3 lève comme PanicException (hors de la hiérarchie d'Exception)."""
    try:
        yield
    except (EntreeInvalide, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as e:
        raise _erreur_calamine(nom, fmt, e) from None


def _ouvrir(p: Path, nom: str, fmt: str) -> Any:
    import python_calamine as pc

    with _appel_calamine(nom, fmt):
        extension = p.suffix
        if extension in _EXTENSIONS[fmt] or extension not in _CONNUES:
            return pc.CalamineWorkbook.from_path(os.fspath(p))
        # Extension trompeuse (un .xlsx nommé .xls…) : calamine choisirait le mauvais lecteur.
        with open(p, "rb") as f:
            return pc.CalamineWorkbook.from_filelike(f)


def _erreur_calamine(nom: str, fmt: str, e: BaseException) -> EntreeInvalide:
    import python_calamine as pc

    if isinstance(e, pc.PasswordError):
        return _protege(nom)
    texte = str(e)
    if "entity" in texte.lower():
        return EntreeInvalide(
            f"Le classeur « {nom} » contient une entité XML non standard, refusée par sécurité "
            f"({texte}) : enregistrez-le de nouveau depuis Excel au format .xlsx.")
    if fmt == "xls":
        return _pas_un_tableur(nom, f"classeur Excel 97-2003 illisible ({texte})")
    return _abime(nom, texte)


def _lire_classeur(p: Path, nom: str, fmt: str, archive: _Archive | None,
                   limites: Limites) -> TableBrute:
    import python_calamine as pc

    classeur = _ouvrir(p, nom, fmt)
    try:
        with _appel_calamine(nom, fmt):
            metas = list(classeur.sheets_metadata)
        if not metas:
            raise EntreeInvalide(f"Le classeur « {nom} » ne contient aucune feuille.")
        choisies = [m for m in metas if _est_programmation(m.name)][:1]
        candidates = choisies or [
            m for m in metas
            if m.visible == pc.SheetVisibleEnum.Visible and m.typ == pc.SheetTypeEnum.WorkSheet]
        if not candidates:
            raise EntreeInvalide(
                f"Le classeur « {nom} » n'a aucune feuille de calcul visible "
                f"({_liste_feuilles([m.name for m in metas])}) : affichez la feuille du tableau "
                "ou nommez-la « Programmation ».")
        vues, lointaines, vides = [], [], []
        for meta in candidates:
            loin = archive.loin(meta.name) if archive else None
            if loin is not None:
                if choisies:
                    raise _trop_loin(nom, meta.name, loin, limites)
                lointaines.append((meta.name, loin))
                continue
            table = _lire_feuille(classeur, meta.name, nom, fmt, archive, limites)
            if table is None:
                vides.append(meta.name)
            elif isinstance(table, TableBrute):
                return table
            vues.append(meta.name)
        if lointaines:
            raise _trop_loin(nom, *lointaines[0], limites)
        if vues == vides:
            raise EntreeInvalide(
                f"Le classeur « {nom} » ne contient que des feuilles vides "
                f"({_liste_feuilles(vides or [m.name for m in metas])}) : est-ce le bon fichier ?")
        raise EntreeInvalide(
            f"Aucun tableau de programmation trouvé dans « {nom} » (feuilles examinées : "
            f"{_liste_feuilles(vues)}) : il faut une ligne d'en-têtes comme « N° dossier », "
            "« Porteur », « SIRET », « Coût total de l'action »… (au moins "
            f"{ENTETES_MIN} en-têtes du modèle dans les {LIGNES_ENTETE_MAX} premières lignes). "
            "Vérifiez le fichier choisi, ou nommez « Programmation » la feuille du tableau.")
    finally:
        with contextlib.suppress(Exception):  # déjà fermé : rien à faire
            classeur.close()


def _liste_feuilles(noms: list[str]) -> str:
    return ", ".join(f"« {n} »" for n in noms) or "aucune"


def _est_programmation(nom_feuille: str) -> bool:
    from cdv_regles.contrat import normaliser_entete

    return normaliser_entete(nom_feuille) == "programmation"


def _trop_loin(nom: str, feuille: str, position: tuple[int, int], limites: Limites) -> EntreeInvalide:
    adresse = adresse_a1(position[1], position[0] + 1)
    lignes, colonnes = _seuils(limites)
    return EntreeInvalide(
        f"La feuille « {feuille} » de « {nom} » contient une valeur en {adresse}, très loin du "
        f"tableau (au-delà de la ligne {_entier(lignes)} ou de la colonne {lettres_colonne(colonnes - 1)}) : "
        "effacez ce qui dépasse (Ctrl+Fin dans Excel montre la dernière cellule utilisée), ou "
        "augmentez les limites avec les variables d'environnement CDV_REGLES_LIGNES_MAX et "
        "CDV_REGLES_COLONNES_MAX.")


def _lire_feuille(classeur: Any, feuille: str, nom: str, fmt: str, archive: _Archive | None,
                  limites: Limites) -> TableBrute | bool | None:
    """La table de la feuille ; None si la feuille est vide, False si elle n'a pas d'en-tête."""
    with _appel_calamine(nom, fmt):
        f = classeur.get_sheet_by_name(feuille)
        depart = f.start
        if depart is None or f.height == 0:
            return None
        nlignes = LIGNES_ENTETE_MAX + limites.lignes_max + 1
        grille = f.to_python(nrows=nlignes)
        fusions = f.merged_cell_ranges or []
    ligne0, colonne0 = depart
    details = archive.feuille(feuille) if archive else None
    if details is not None and details.erreurs:
        # calamine rend vides les erreurs de formule : on remet le code lu dans le XML.
        for (r, c), code in details.erreurs.items():
            i, j = r - ligne0, c - colonne0
            if 0 <= i < len(grille) and 0 <= j < len(grille[i]) and _vide(grille[i][j]):
                grille[i][j] = code
    try:
        return _construire(
            grille, chemin=nom, feuille=feuille, premiere_ligne=ligne0 + 1,
            premiere_colonne=colonne0, numeros_lignes=None, fusions=fusions,
            tableaux=archive.tableaux.get(feuille, []) if archive else None,
            limites=limites, format=fmt)
    except _EnteteIntrouvable:
        return False


# --- CSV ------------------------------------------------------------------------------------

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
    raise _pas_un_tableur(nom, "son contenu n'est pas du texte (fichier binaire d'un autre type)")


_SEPARATEURS = (";", ",", "\t")


def _choisir_separateur(texte: str) -> str:
    """Le séparateur qui fait apparaître le plus d'en-têtes du contrat dans les premières lignes."""
    debut = "\n".join(texte[:500_000].splitlines()[:LIGNES_ENTETE_MAX])
    index = _index_contrat()
    meilleur, score = ";", 0
    for sep in _SEPARATEURS:
        try:
            rangees = list(csv.reader(io.StringIO(debut), delimiter=sep))
        except csv.Error:
            continue
        n = max((_reconnus(list(r), index) for r in rangees), default=0)
        if n > score:
            meilleur, score = sep, n
    return meilleur


def _enregistrements(lecteur: Any) -> Iterator[tuple[int, list[str]]]:
    precedent = 0
    for enregistrement in lecteur:
        yield precedent + 1, enregistrement
        precedent = lecteur.line_num


def _lire_csv(p: Path, nom: str, limites: Limites) -> TableBrute:
    texte = _decoder(_lire_octets(p, nom, limites), nom)
    if not texte.strip():
        raise EntreeInvalide(f"Le fichier « {nom} » ne contient que des lignes vides. {_CONSEIL_FORMAT}")
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
    return _construire(
        grille, chemin=nom, feuille=None, premiere_ligne=1, premiere_colonne=0,
        numeros_lignes=numeros, fusions=None, tableaux=None, limites=limites, format="csv")
