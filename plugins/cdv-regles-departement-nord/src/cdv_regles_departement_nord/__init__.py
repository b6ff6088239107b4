"""Greffon cdv-regles du Département du Nord : ses financements éducatifs (orientation 4, PEDC)
vont aux projets portés par un collège."""

from __future__ import annotations

from pathlib import Path

from cdv_regles.hookspecs import hookimpl
from cdv_regles.socle import fichiers_du_millesime

CODE = "departement-nord"
NOM = "Département du Nord"
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
