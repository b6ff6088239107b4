"""Où se trouvent les données du socle (règles, paramètres, référentiels)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def dossier_regles() -> Path:
    """Le dossier ``regles/`` : celui du dépôt en développement, sinon la copie du paquet."""
    depot = Path(__file__).resolve().parents[2] / "regles"
    if (depot / "colonnes.yaml").is_file():
        return depot
    return Path(__file__).resolve().parent / "_regles"


def millesimes_disponibles(dossier: Path | None = None) -> list[int]:
    """Les millésimes qui ont un dossier ``AAAA`` de règles (le socle si ``dossier`` est omis)."""
    dossier = dossier or dossier_regles()
    return sorted(int(p.name) for p in dossier.iterdir() if p.is_dir() and p.name.isdigit())


def fichiers_du_millesime(dossier: Path, millesime: int) -> list[Path]:
    """Les règles du millésime : celles du dossier ``AAAA`` le plus récent qui ne le dépasse pas.

    Outil commun aux greffons : ``fichiers_du_millesime(Path(__file__).parent / "regles", m)``.
    """
    retenues = [a for a in millesimes_disponibles(dossier) if a <= millesime]
    if not retenues:
        return []
    return sorted((dossier / str(retenues[-1])).glob("*.yaml"))
