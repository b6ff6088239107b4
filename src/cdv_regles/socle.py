"""Le socle : les règles communes du Contrat de Ville, fournies par les mêmes hooks qu'un
partenaire (comme les greffons intégrés de datasette)."""

from __future__ import annotations

from pathlib import Path

from cdv_regles.chemins import dossier_regles
from cdv_regles.hookspecs import hookimpl
from cdv_regles.synthese.socle import cdv_regles_synthese  # noqa: F401  (synthèse du socle, même hook)


@hookimpl
def cdv_regles_partenaire() -> dict[str, str]:
    return {"code": "socle", "nom": "Règles communes du Contrat de Ville"}


@hookimpl
def cdv_regles_fichiers_regles(millesime: int) -> list[Path]:
    return fichiers_du_millesime(dossier_regles(), millesime)


@hookimpl
def cdv_regles_fichiers_parametres() -> list[Path]:
    return sorted((dossier_regles() / "parametres").glob("*.yaml"))


def fichiers_du_millesime(dossier: Path, millesime: int) -> list[Path]:
    """Les règles du millésime : celles du dossier ``AAAA`` le plus récent qui ne le dépasse pas.

    Outil commun aux greffons : ``fichiers_du_millesime(Path(__file__).parent / "regles", m)``.
    """
    annees = sorted(int(p.name) for p in dossier.iterdir() if p.is_dir() and p.name.isdigit())
    retenues = [a for a in annees if a <= millesime]
    if not retenues:
        return []
    return sorted((dossier / str(retenues[-1])).glob("*.yaml"))


def millesimes_disponibles(dossier: Path | None = None) -> list[int]:
    dossier = dossier or dossier_regles()
    return sorted(int(p.name) for p in dossier.iterdir() if p.is_dir() and p.name.isdigit())
