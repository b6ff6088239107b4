"""Outils partagés des tests : fabriquer un tableau à partir du dossier type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tableaux import ecrire_xlsx


@pytest.fixture(scope="session")
def environnement_2023():
    """Greffons chargés et catalogue du millésime 2023 (partagés : les construire coûte)."""
    from cdv_regles.verification import preparer

    return preparer(2023)


@pytest.fixture
def classeur(tmp_path: Path, environnement_2023):
    """Fabrique un .xlsx « Programmation » : lignes partielles posées sur le dossier type."""
    from cdv_regles.exemples import table_exemple

    _, catalogue = environnement_2023

    def fabriquer(lignes: list[dict[str, Any]], nom: str = "programmation.xlsx", **exemple: Any) -> Path:
        table = table_exemple({"lignes": lignes, **exemple}, catalogue)
        return ecrire_xlsx(table, tmp_path / nom)

    return fabriquer
