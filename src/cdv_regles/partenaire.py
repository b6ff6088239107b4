"""Le greffon ordinaire d'un partenaire : ses règles YAML par millésime et ses paramètres datés.

Le module d'un greffon n'a qu'à écrire :

    from cdv_regles.api import GreffonPartenaire

    greffon = GreffonPartenaire("ars-hdf", "ARS Hauts-de-France", __file__)

et déclarer le point d'entrée ``ars-hdf = "cdv_regles_ars_hdf:greffon"``. Les règles sont lues
dans ``regles/*.yaml`` (chacune dit ses millésimes : ``en_vigueur``) et les paramètres dans
``regles/parametres*.yaml``, à côté du module. Pour d'autres hooks (contrôles Python, synthèse,
colonnes), on sous-classe et on décore les méthodes avec ``hookimpl`` (tous deux dans
``cdv_regles.api``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdv_regles.chemins import fichiers_de_regles
from cdv_regles.hookspecs import hookimpl


class GreffonPartenaire:
    def __init__(self, code: str, nom: str, fichier_module: str | Path) -> None:
        self.code = code
        self.nom = nom
        self.dossier_regles = Path(fichier_module).resolve().parent / "regles"

    def __repr__(self) -> str:
        return f"<greffon {self.code}>"

    @hookimpl
    def cdv_regles_partenaire(self) -> dict[str, str]:
        return {"code": self.code, "nom": self.nom}

    @hookimpl
    def cdv_regles_fichiers_regles(self, millesime: int) -> list[Path]:
        return fichiers_de_regles(self.dossier_regles)

    @hookimpl
    def cdv_regles_parametres_a_renouveler(self, millesime: int, depuis: int,
                                           parametres: dict[str, Any]) -> list[str]:
        from cdv_regles.parametres import a_renouveler

        return a_renouveler(parametres, millesime, depuis)

    @hookimpl
    def cdv_regles_fichiers_parametres(self) -> list[Path]:
        return sorted(self.dossier_regles.glob("parametres*.yaml"))
