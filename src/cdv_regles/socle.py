"""Le socle : les règles communes du Contrat de Ville, fournies par les mêmes hooks qu'un
partenaire (comme les greffons intégrés de datasette). Chargé par son point d'entrée, comme les
autres greffons : aucun module ne l'importe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdv_regles.api import fichiers_de_regles, hookimpl
from cdv_regles.chemins import dossier_regles, fichiers_parametres_socle
from cdv_regles.synthese.socle import cdv_regles_synthese  # noqa: F401  (synthèse du socle, même hook)


@hookimpl
def cdv_regles_partenaire() -> dict[str, str]:
    return {"code": "socle", "nom": "Règles communes du Contrat de Ville"}


@hookimpl
def cdv_regles_fichiers_regles(millesime: int) -> list[Path]:
    return fichiers_de_regles(dossier_regles() / "socle")


@hookimpl
def cdv_regles_fichiers_parametres() -> list[Path]:
    return fichiers_parametres_socle()


@hookimpl
def cdv_regles_parametres_a_renouveler(millesime: int, depuis: int, parametres: dict[str, Any]) -> list[str]:
    from cdv_regles.parametres import a_renouveler

    return a_renouveler(parametres, millesime, depuis)
