"""Inspection de l'archive zip d'un classeur (xlsx, xlsm, ods) avant de la confier à calamine.

Chaque membre est réellement décompressé, en flux : taille réelle (bombe de décompression,
tailles déclarées mensongères), CRC, membres chiffrés ; les feuilles passent par les
inspecteurs de leur format (:mod:`.xlsx`, :mod:`.ods`), qui relèvent les valeurs placées très
loin du tableau. Ce dernier point n'est pas un luxe : calamine réserve d'un bloc la mémoire du
rectangle qui va de la première à la dernière cellule remplie, et une seule valeur oubliée en
XFD1048576 fait avorter le processus (pas d'exception).
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture.apercu import apercu_feuille, chaines_citees
from cdv_regles.lecture.apercu import sans_entete as apercu_sans_entete
from cdv_regles.lecture.limites import MO, MORCEAU, Limites, seuils
from cdv_regles.lecture.messages import abime, bombe, detail, pas_un_tableur, protege, trop_de_cellules
from cdv_regles.lecture.ods import InspecteurOds
from cdv_regles.lecture.ooxml import lire_structure_xlsx
from cdv_regles.lecture.table import Feuille, TableauExcel
from cdv_regles.lecture.xlsx import RACINE_FEUILLE, CompteurChaines, InspecteurXlsx, est_chaines, simuler_xlsx

_MEMBRES_MAX = 10_000  # membres d'une archive de classeur (un vrai classeur en a quelques dizaines)
_STRUCTURE_MAX = 20 * MO  # taille d'un membre de structure (workbook.xml, .rels, tables) gardé


@dataclass
class Archive:
    format: str  # xlsx ou ods
    # Clé : membre en minuscules (xlsx) ou nom de feuille (ods).
    feuilles: dict[str, Feuille]
    membres: dict[str, str] = field(default_factory=dict)  # nom de feuille -> membre (xlsx)
    tableaux: dict[str, list[TableauExcel]] = field(default_factory=dict)  # par nom de feuille

    def feuille(self, nom_feuille: str) -> Feuille | None:
        if self.format == "ods":
            return self.feuilles.get(nom_feuille)
        membre = self.membres.get(nom_feuille)
        return self.feuilles.get(membre.lower()) if membre else None

    def sans_entete(self, nom_feuille: str) -> bool:
        """L'aperçu des premières lignes de la feuille n'a pas d'en-têtes : pas la peine de la lire."""
        f = self.feuille(nom_feuille)
        return f is not None and f.sans_entete

    def loin(self, nom_feuille: str) -> tuple[int, int] | None:
        if self.format == "ods" or nom_feuille in self.membres:
            f = self.feuille(nom_feuille)
            return f.loin if f else None
        # Feuille non rattachée à un membre : prudence, la pire des feuilles vues.
        return next((g.loin for g in self.feuilles.values() if g.loin), None)


def inspecter_archive(p: Path, nom: str, limites: Limites) -> Archive:
    try:
        zf = zipfile.ZipFile(p)
    except Exception as e:  # BadZipFile, NotImplementedError (version), ValueError, OSError…
        raise abime(nom, f"archive zip illisible : {detail(e)}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > _MEMBRES_MAX:
            raise pas_un_tableur(nom, f"l'archive contient {len(infos)} fichiers")
        noms = {i.filename for i in infos}
        fmt = _format_archive(zf, noms, nom)
        if any(i.flag_bits & 0x1 for i in infos):
            raise protege(nom)
        declare = sum(i.file_size for i in infos)
        if declare > limites.taille_decompressee_max:
            raise bombe(nom, limites)
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
            raise pas_un_tableur(nom, "c'est un document OpenDocument qui n'est pas un classeur "
                                  "(texte, présentation…)")
    if "[content_types].xml" in minuscules and any(n.startswith("xl/") for n in minuscules):
        return "xlsx"
    if "content.xml" in minuscules:
        return "ods"
    if "word/document.xml" in minuscules:
        raise pas_un_tableur(nom, "c'est un document Word")
    if "ppt/presentation.xml" in minuscules:
        raise pas_un_tableur(nom, "c'est une présentation PowerPoint")
    raise pas_un_tableur(nom, "c'est une archive zip qui ne contient pas de classeur")


def _est_structure(membre: str) -> bool:
    m = membre.lower()
    return (m.endswith(".rels") or m.endswith("workbook.xml")
            or (m.startswith("xl/tables/") and m.endswith(".xml")))


def _parcourir_membres(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], fmt: str, nom: str,
                       limites: Limites) -> Archive:
    """Décompresse chaque membre en flux : taille réelle, CRC, et inspection des feuilles.

    Les feuilles xlsx dont l'aperçu montre qu'elles n'ont pas de tableau ne sont pas lues : ni
    ici, ni par calamine.
    """
    seuil_lignes, seuil_colonnes = seuils(limites)
    sans_entete = _feuilles_sans_entete(zf, infos, limites) if fmt == "xlsx" else set()
    total = 0
    structure: dict[str, bytes] = {}
    feuilles: dict[str, Feuille] = {}
    lents: list[str] = []
    for info in infos:
        if info.is_dir():
            continue
        if info.filename.lower() in sans_entete:
            feuilles[info.filename.lower()] = Feuille(sans_entete=True)
            continue
        garder = fmt == "xlsx" and _est_structure(info.filename) and info.file_size <= _STRUCTURE_MAX
        inspecteur: InspecteurXlsx | InspecteurOds | CompteurChaines | None = None
        if fmt == "ods" and info.filename == "content.xml":
            inspecteur = InspecteurOds(seuil_lignes, seuil_colonnes)
        elif fmt == "xlsx" and est_chaines(info.filename):
            inspecteur = CompteurChaines(nom, limites)
        morceaux = []
        premier = True
        try:
            with zf.open(info) as flux:
                while morceau := flux.read(MORCEAU):
                    total += len(morceau)
                    if total > limites.taille_decompressee_max:
                        raise bombe(nom, limites)
                    if garder:
                        morceaux.append(morceau)
                    if premier and inspecteur is None and fmt == "xlsx" \
                            and RACINE_FEUILLE.search(morceau[:4096]):
                        inspecteur = InspecteurXlsx(seuil_lignes, seuil_colonnes)
                    premier = False
                    if inspecteur is not None:
                        inspecteur.nourrir(morceau)
                        # Feuille qui ne sera jamais chargée (valeur très loin, trop de cellules) :
                        # inutile de la décompresser jusqu'au bout.
                        if isinstance(inspecteur, InspecteurXlsx) and inspecteur.refusee(limites):
                            break
        except EntreeInvalide:
            raise
        except RuntimeError as e:  # membre chiffré
            if "encrypted" in str(e) or "password" in str(e):
                raise protege(nom) from None
            raise abime(nom, f"membre {info.filename} : {detail(e)}") from None
        except NotImplementedError:
            raise pas_un_tableur(nom, f"le membre {info.filename} utilise une compression "
                                 "inconnue") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
            raise abime(nom, f"membre {info.filename} : {detail(e)}") from None
        if garder:
            structure[info.filename] = b"".join(morceaux)
        if isinstance(inspecteur, InspecteurXlsx):
            inspecteur.terminer()
            if inspecteur.lent:
                lents.append(info.filename)
            else:
                feuilles[info.filename.lower()] = inspecteur.resultat
        elif isinstance(inspecteur, InspecteurOds):
            inspecteur.terminer()
            feuilles.update(inspecteur.feuilles)

    if fmt == "ods":
        # calamine charge toutes les feuilles d'un .ods à l'ouverture : la limite vaut pour tout.
        cellules = sum(f.cellules for f in feuilles.values())
        if cellules > limites.cellules_max:
            raise trop_de_cellules(f"Le classeur « {nom} »", cellules, limites)
        return Archive("ods", feuilles)
    # Feuilles au XML inhabituel (cellules sans adresse, préfixes) : simulation complète.
    for membre in lents:
        feuilles[membre.lower()] = simuler_xlsx(zf, membre, seuil_lignes, seuil_colonnes, nom)
    archive = Archive("xlsx", feuilles)
    lire_structure_xlsx(archive, structure, nom)
    return archive


def _feuilles_sans_entete(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limites: Limites) -> set[str]:
    """Membres (en minuscules) des feuilles xlsx dont les premières lignes n'ont pas d'en-têtes."""
    chaines = next((i for i in infos if est_chaines(i.filename)), None)
    if chaines is not None and (chaines.file_size > limites.chaines_taille_max
                                or chaines.file_size > limites.taille_decompressee_max):
        return set()  # le parcours complet refusera ces chaînes
    apercus = {}
    for info in infos:
        m = info.filename.lower()
        if (info.is_dir() or not m.startswith("xl/") or not m.endswith(".xml") or _est_structure(m)
                or est_chaines(m) or m.startswith(("xl/theme", "xl/styles", "xl/drawings"))):
            continue
        apercu = apercu_feuille(zf, info.filename)
        if apercu is not None:
            apercus[m] = apercu
    indices = set().union(*(a.indices for a in apercus.values())) if apercus else set()
    textes: dict[int, str] | None = {}
    if indices:
        textes = (chaines_citees(zf, chaines.filename, indices, limites.chaines_taille_max)
                  if chaines is not None else None)
    if textes is None:
        return set()
    return {m for m, a in apercus.items() if apercu_sans_entete(a, textes)}
