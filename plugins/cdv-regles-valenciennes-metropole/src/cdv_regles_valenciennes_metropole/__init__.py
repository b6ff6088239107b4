"""Greffon cdv-regles de Valenciennes Métropole comme financeur : recentrage de ses crédits
intercommunaux (orientations 1, 2 et 5), aucun crédit pour un projet centré exclusivement sur la
culture, conditions propres au bonus égalité expérimental 2023."""

from __future__ import annotations

from pathlib import Path

from cdv_regles.hookspecs import hookimpl
from cdv_regles.socle import fichiers_du_millesime

CODE = "valenciennes-metropole"
NOM = "Valenciennes Métropole"
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
