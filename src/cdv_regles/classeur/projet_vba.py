"""Le projet VBA du classeur (``vbaProject.bin``), compilé sous Linux sans Excel.

Il contient le module ``xlwings`` et sa classe ``Dictionary`` (lus dans le paquet xlwings
installé, comme le fait ``xlwings release`` : la version du module VBA est celle du paquet)
et nos modules gardés en texte dans ``classeurs/vba/``. pyOpenVBA écrit le format MS-OVBA
(flux ``dir``, ``PROJECT``, compression, conteneur CFB) et les modules de document que
crée Excel pour le classeur et chaque feuille.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from cdv_regles.erreurs import ErreurCdv

#: Modules standard que le classeur porte en plus de ceux d'xlwings, dans cet ordre.
MODULES_PROJET = ("Verification",)


@dataclass(frozen=True)
class ModuleVba:
    nom: str
    source: str
    classe: bool = False


def dossier_sources_vba() -> Path:
    """``classeurs/vba/`` du dépôt, ou sa copie dans le paquet installé (``_vba``)."""
    ici = Path(__file__).resolve()
    for candidat in (ici.parents[3] / "classeurs" / "vba", ici.parent / "_vba"):
        if (candidat / f"{MODULES_PROJET[0]}.bas").is_file():
            return candidat
    raise ErreurCdv(
        "Sources VBA introuvables (classeurs/vba/Verification.bas) : lancez la commande "
        "depuis une copie du dépôt cdv-regles, ou réinstallez le paquet."
    )


def version_xlwings() -> str:
    from importlib import metadata

    return metadata.version("xlwings")


def modules_xlwings() -> list[ModuleVba]:
    """Le module autonome d'xlwings et la classe dont il a besoin sur macOS."""
    import xlwings

    racine = Path(xlwings.__file__).resolve().parent
    try:
        return [
            ModuleVba("xlwings", _lire(racine / "xlwings.bas")),
            ModuleVba("Dictionary", _lire(racine / "addin" / "Dictionary.cls"), classe=True),
        ]
    except OSError as e:
        raise ErreurCdv(
            f"Le paquet xlwings installé ({racine}) ne contient pas son module VBA "
            f"({e.filename}) : réinstallez xlwings."
        ) from None


def modules_projet(dossier: Path | None = None) -> list[ModuleVba]:
    dossier = dossier or dossier_sources_vba()
    return [ModuleVba(nom, _lire(dossier / f"{nom}.bas")) for nom in MODULES_PROJET]


def _lire(chemin: Path) -> str:
    texte = chemin.read_text(encoding="utf-8")
    # Le VBE attend des fins de ligne CRLF ; le dépôt garde des LF.
    return texte.replace("\r\n", "\n").replace("\n", "\r\n")


def projet_vba(classeur_sans_macro: Path, modules: list[ModuleVba]) -> bytes:
    """``vbaProject.bin`` pour un classeur .xlsm écrit sans projet (mêmes feuilles, même ordre).

    Le classeur donné est modifié (on y ajoute le projet) : passez une copie de travail.
    Les modules de document sont nommés comme Excel le fait (ThisWorkbook, Sheet1, Sheet2…).
    """
    from pyopenvba import ExcelFile, VBAModuleKind

    with ExcelFile(classeur_sans_macro) as fichier:
        projet = fichier.add_vba_project()
        for m in modules:
            genre = VBAModuleKind.other if m.classe else VBAModuleKind.standard
            projet.add_module(m.nom, m.source, kind=genre)
        fichier.save()
    with zipfile.ZipFile(classeur_sans_macro) as z:
        donnees = z.read("xl/vbaProject.bin")
    with ExcelFile(classeur_sans_macro) as relu:
        problemes = relu.validate()
    if problemes:
        raise ErreurCdv("Projet VBA incohérent : " + " ; ".join(problemes))
    return donnees

