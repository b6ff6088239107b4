"""Outils partagés des tests : fabriquer un tableau à partir du dossier type."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from tableaux import ecrire_xlsx

# Les millésimes ouverts par l'utilisateur (~/.config/cdv-regles/parametres) ne doivent pas
# changer les tests : un dossier vide à la place, que les tests des millésimes remplacent.
os.environ["CDV_REGLES_PARAMETRES"] = tempfile.mkdtemp(prefix="cdv-regles-parametres-vide-")
# Le cache des YAML lus (cdv_regles.cache) : celui de la session de tests, pas celui de l'agent.
os.environ.setdefault("CDV_REGLES_CACHE", tempfile.mkdtemp(prefix="cdv-regles-cache-"))


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


@pytest.fixture(scope="session")
def publication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Le dossier de publication (roues, dependances.txt, classeur, installer.cmd), écrit une fois
    par ``outils/publier.py`` comme le ferait la personne qui publie (quelques secondes avec uv)."""
    import os
    import shutil
    import subprocess
    import sys

    if not (os.environ.get("UV") or shutil.which("uv")):
        pytest.skip("uv est introuvable : la publication ne peut pas être construite")
    depot = Path(__file__).resolve().parents[1]
    sortie = tmp_path_factory.mktemp("publication") / "publication-essai"
    p = subprocess.run([sys.executable, str(depot / "outils" / "publier.py"), "--sortie", str(sortie)],
                       capture_output=True, text=True, encoding="utf-8", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    return sortie


@pytest.fixture(scope="session")
def environnement_vierge(tmp_path_factory: pytest.TempPathFactory):
    """Fabrique un environnement Python neuf, avec pip (``uv venv --seed`` : une seconde, là où
    ``python -m venv`` en met des dizaines) ; ``avec_tiers`` y met déjà les paquets publics de
    ``dependances.txt`` (par uv, depuis son cache)."""
    import os
    import shutil
    import subprocess
    import sys

    def fabriquer(nom: str = "env", avec_tiers: Path | None = None) -> Path:
        env = tmp_path_factory.mktemp(nom) / "env"
        uv = os.environ.get("UV") or shutil.which("uv")
        subprocess.run([uv, "venv", "--quiet", "--seed", "--python", sys.executable, str(env)], check=True)
        if avec_tiers is not None:
            subprocess.run([uv, "pip", "install", "--quiet", "--python", str(env / "bin" / "python"),
                            "--require-hashes", "-r", str(avec_tiers / "dependances.txt")], check=True)
        return env

    return fabriquer
