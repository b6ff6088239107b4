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


def fichiers_de_regles(dossier: Path) -> list[Path]:
    """Les fichiers de règles d'un dossier (hors paramètres) : chaque règle dit elle-même de quel
    millésime à quel millésime elle s'applique (``en_vigueur``), le catalogue trie.

    Outil commun aux greffons : ``fichiers_de_regles(Path(__file__).parent / "regles")``.
    """
    if not dossier.is_dir():
        return []
    return sorted(p for p in dossier.glob("*.yaml") if not p.name.startswith("parametres"))


def fichiers_parametres_socle() -> list[Path]:
    return sorted((dossier_regles() / "parametres").glob("*.yaml"))
