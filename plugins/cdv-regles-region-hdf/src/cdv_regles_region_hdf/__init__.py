"""Greffon cdv-regles de la Région Hauts-de-France : ses demandes relèvent de ses priorités
(orientations 1 et 3, ou dispositif « Quartiers d'été ») ; une action « Quartiers d'été » se
déroule pendant la période estivale. Déclare aussi l'enveloppe SREI 2017-2021 (PROT2019)."""

from __future__ import annotations

from pathlib import Path

from cdv_regles.hookspecs import hookimpl
from cdv_regles.socle import fichiers_du_millesime

CODE = "region-hdf"
NOM = "Région Hauts-de-France"
_REGLES = Path(__file__).parent / "regles"


@hookimpl
def cdv_regles_partenaire() -> dict[str, str]:
    return {"code": CODE, "nom": NOM}


@hookimpl
def cdv_regles_fichiers_regles(millesime: int) -> list[Path]:
    return fichiers_du_millesime(_REGLES, millesime)


@hookimpl
def cdv_regles_fichiers_parametres() -> list[Path]:
    return [_REGLES / "parametres.yaml"]
