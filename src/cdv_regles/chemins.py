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
